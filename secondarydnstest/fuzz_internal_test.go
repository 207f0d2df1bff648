package secondarydnstest

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRedactSecrets: the request log's copy of a TSIG body keeps no secret.
// A body that is one JSON object comes out as one JSON object with the same
// keys, in the same order, every top-level "secret" (in any case) holding
// "[redacted]" and every other value exactly as sent; anything else comes
// out as "[redacted]" alone.
func FuzzRedactSecrets(f *testing.F) {
	f.Add(`{"name":"k.","algo":"hmac-sha256.","secret":"c2VjcmV0"}`)
	f.Add("{\"name\": \"k.\",\n \"secret\" :  \"c2VjcmV0\", \"algo\":\"hmac-sha256.\"}")
	f.Add(`{"secret":"a","SECRET":"b","Secret":{"nested":"c"}}`)
	f.Add(`{"secret":"a","secret":"a"}`)
	f.Add(`{"s\u0065cret":"x","name":"secret"}`)
	f.Add(`{"name":"k.","secret":"c2Vj"`)
	f.Add(`["secret"]`)
	f.Add(`{} {}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, body string) {
		out := redactSecrets([]byte(body))
		var in orderedObject
		if !json.Valid([]byte(body)) || json.Unmarshal([]byte(body), &in) != nil || in.keys == nil {
			if out != redacted {
				t.Fatalf("%q is not one JSON object, yet the log keeps %q", body, out)
			}
			return
		}
		var got orderedObject
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("redacting %q gave %q, not JSON: %v", body, out, err)
		}
		if len(got.keys) != len(in.keys) {
			t.Fatalf("redacting %q gave %q: keys %q, want %q", body, out, got.keys, in.keys)
		}
		for i, k := range in.keys {
			if got.keys[i] != k {
				t.Fatalf("redacting %q gave %q: key %d is %q, want %q", body, out, i, got.keys[i], k)
			}
			want := in.values[i]
			if strings.EqualFold(k, "secret") {
				want = json.RawMessage(`"` + redacted + `"`)
			}
			if string(got.values[i]) != string(want) {
				t.Fatalf("redacting %q gave %q: %q is %s, want %s", body, out, k, got.values[i], want)
			}
		}
	})
}

// orderedObject is a JSON object's top-level keys and raw values, in order,
// duplicates included; keys stays nil for anything but an object.
type orderedObject struct {
	keys   []string
	values []json.RawMessage
}

func (o *orderedObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	o.keys = []string{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		o.keys = append(o.keys, k.(string))
		o.values = append(o.values, v)
	}
	return nil
}
