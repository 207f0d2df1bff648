package secondarydns

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// List returns every TSIG key of the account, secrets included (an empty
// account gives an empty, non-nil slice).
// It calls GET /accounts/{account_id}/secondary_dns/tsigs.
func (s *TSIGsService) List(ctx context.Context, accountID string, opts ...Option) ([]TSIG, error) {
	return listObjects[TSIG](ctx, (*service)(s), &tsigKind, accountID, opts)
}

// Get returns one TSIG key, secret included.
// It calls GET /accounts/{account_id}/secondary_dns/tsigs/{tsig_id}.
func (s *TSIGsService) Get(ctx context.Context, accountID, tsigID string, opts ...Option) (*TSIG, error) {
	return getObject[TSIG](ctx, (*service)(s), &tsigKind, accountID, tsigID, opts)
}

// Create creates a TSIG key.
// It calls POST /accounts/{account_id}/secondary_dns/tsigs with
// {"name","algo","secret"}; the POST is not repeated once it may have reached
// the server. The secret is scrubbed, like a credential, from everything the
// call keeps.
func (s *TSIGsService) Create(ctx context.Context, accountID string, p TSIGParams, opts ...Option) (*TSIG, error) {
	return createObject[TSIG](ctx, (*service)(s), &tsigKind, accountID, p, opts)
}

// Update replaces a TSIG key with p.
// It calls PUT /accounts/{account_id}/secondary_dns/tsigs/{tsig_id} with
// {"name","algo","secret"}. The secret is scrubbed, like a credential, from
// everything the call keeps.
func (s *TSIGsService) Update(ctx context.Context, accountID, tsigID string, p TSIGParams, opts ...Option) (*TSIG, error) {
	return updateObject[TSIG](ctx, (*service)(s), &tsigKind, accountID, tsigID, p, opts)
}

// Delete deletes a TSIG key and returns its ID.
// It calls DELETE /accounts/{account_id}/secondary_dns/tsigs/{tsig_id}.
func (s *TSIGsService) Delete(ctx context.Context, accountID, tsigID string, opts ...Option) (string, error) {
	return deleteObject(ctx, (*service)(s), &tsigKind, accountID, tsigID, opts)
}

// tsigBody is TSIGParams on the wire; all three fields are required.
type tsigBody struct {
	Name   string `json:"name"`
	Algo   string `json:"algo"`
	Secret string `json:"secret"`
}

func (p TSIGParams) body() ([]byte, error) {
	if err := validateDomain("TSIG name", p.Name); err != nil {
		return nil, err
	}
	if err := validateAlgo(p.Algo); err != nil {
		return nil, err
	}
	if err := validateSecret(p.Secret); err != nil {
		return nil, err
	}
	return json.Marshal(tsigBody(p))
}

func (p TSIGParams) sends() string { return p.Secret }

// Secrets format themselves redacted: a TSIG or TSIGParams printed with any
// fmt verb, logged with slog or encoded with encoding/json shows
// "[redacted]" where a secret is set ("" when none is), and nothing else of
// it.

// Format prints the TSIG with its secret redacted, whatever the verb:
// {id name algo [redacted]} for %v, with field names for %+v, and as Go
// syntax for %#v.
func (t TSIG) Format(f fmt.State, verb rune) {
	formatSecretStruct(f, verb, "secondarydns.TSIG", []string{"ID", t.ID, "Name", t.Name, "Algo", t.Algo}, t.Secret)
}

// GoString is %#v's text, with the secret redacted.
func (t TSIG) GoString() string { return fmt.Sprintf("%#v", t) }

// String is %v's text, with the secret redacted.
func (t TSIG) String() string { return fmt.Sprintf("%v", t) }

// LogValue logs the TSIG with its secret redacted.
func (t TSIG) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", t.ID), slog.String("name", t.Name), slog.String("algo", t.Algo), slog.String("secret", redactedIfSet(t.Secret)))
}

// MarshalJSON writes the TSIG with the API's field names and its secret
// redacted: {"id","name","algo","secret":"[redacted]"}. slog's JSON handler
// encodes a slice, a map or a struct of TSIGs this way (they are no
// slog.LogValuer), and so does any JSON log or file they reach. Decoding is
// unchanged: the API's JSON, secret included, decodes into a TSIG.
func (t TSIG) MarshalJSON() ([]byte, error) {
	type plain TSIG // no methods: no recursion into this one
	t.Secret = redactedIfSet(t.Secret)
	return json.Marshal(plain(t))
}

// Format prints the parameters with the secret redacted, like TSIG.Format.
func (p TSIGParams) Format(f fmt.State, verb rune) {
	formatSecretStruct(f, verb, "secondarydns.TSIGParams", []string{"Name", p.Name, "Algo", p.Algo}, p.Secret)
}

// GoString is %#v's text, with the secret redacted.
func (p TSIGParams) GoString() string { return fmt.Sprintf("%#v", p) }

// String is %v's text, with the secret redacted.
func (p TSIGParams) String() string { return fmt.Sprintf("%v", p) }

// LogValue logs the parameters with the secret redacted.
func (p TSIGParams) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", p.Name), slog.String("algo", p.Algo), slog.String("secret", redactedIfSet(p.Secret)))
}

// MarshalJSON writes the parameters with their secret redacted, the fields
// under their Go names as encoding/json would write them:
// {"Name","Algo","Secret":"[redacted]"}. The request body is built apart
// (tsigBody), with the secret.
func (p TSIGParams) MarshalJSON() ([]byte, error) {
	type plain TSIGParams // no methods: no recursion into this one
	p.Secret = redactedIfSet(p.Secret)
	return json.Marshal(plain(p))
}

func redactedIfSet(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// formatSecretStruct prints a struct of string fields (name, value pairs)
// and a last field Secret, redacted, the way fmt prints a struct for verb.
func formatSecretStruct(f fmt.State, verb rune, typeName string, fields []string, sec string) {
	fields = append(fields, "Secret", redactedIfSet(sec))
	goSyntax := verb == 'v' && f.Flag('#')
	plus := verb == 'v' && f.Flag('+')
	var b []byte
	if goSyntax {
		b = append(b, typeName...)
	}
	b = append(b, '{')
	for i := 0; i < len(fields); i += 2 {
		if i > 0 {
			if goSyntax {
				b = append(b, ", "...)
			} else {
				b = append(b, ' ')
			}
		}
		if goSyntax || plus {
			b = append(b, fields[i]...)
			b = append(b, ':')
		}
		if goSyntax {
			b = strconv.AppendQuote(b, fields[i+1])
		} else {
			b = append(b, fields[i+1]...)
		}
	}
	b = append(b, '}')
	_, _ = f.Write(b)
}
