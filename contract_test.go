//go:build contract

// Contract test: every SDK call is checked against Cloudflare's official OpenAPI
// schema for the outgoing zone transfer operations and the account's peers,
// TSIGs and ACLs, served by Prism
// (@stoplight/prism-cli) in mock mode with --errors. With --errors Prism
// validates each request (path, method, security, Content-Type, body) against
// the schema and answers 4xx instead of the example when a request breaks it,
// so a non-conforming SDK request fails the call.
//
// Run it with scripts/contract.sh, which installs a pinned Prism and sets:
//
//	PRISM_BIN             path to the prism executable (unset: the test skips)
//	SECONDARYDNS_OPENAPI  the schema (default ../shared/research/openapi-secondary.json
//	                      relative to the repository root; missing: the test skips)
//
// ZonesService.List (GET /zones) is not part of that schema (it belongs to the
// zones API, not Secondary DNS), so Prism cannot judge it; its requests are
// checked byte for byte by the unit tests instead.
package secondarydns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

const (
	// contractZone is any well-formed zone ID: the schema does not constrain it
	// and Prism answers with the schema's examples whatever the zone.
	contractZone = "023e105f4ecef8ad9ca31a8372d0c353"

	// The examples of the schema, which Prism returns (static mode).
	exampleID     = "269d8f4853475ca241c4e730be286b20"
	exampleName   = "www.example.com."
	exampleSerial = uint32(2019102400)
	exampleTime   = "2019-10-24T17:09:42.883908+01:00"
	examplePeer1  = "23ff594956f20c2a721606e94745a8aa"
	examplePeer2  = "00920f38ce07c2e2f4df50b1f61d4194"

	// contractAccount is any well-formed account ID; the account objects'
	// examples follow.
	contractAccount = "01a7362d577a6c3019a474fd6f485823"
	exampleTSIGID   = "69cd1e104af3e6ed3cb344f263fd0d5a"
	exampleSecret   = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab92b417896c15d4d007c7c14194538d2a5d0feffdecc5a7f0e1c570cfa700837c"

	prismStartTimeout = 30 * time.Second
)

func TestContractPrism(t *testing.T) {
	prismBin := os.Getenv("PRISM_BIN")
	if prismBin == "" {
		t.Skip("PRISM_BIN is not set; run scripts/contract.sh to install Prism and run the contract test")
	}
	schemaPath := os.Getenv("SECONDARYDNS_OPENAPI")
	if schemaPath == "" {
		// go test runs in the package directory, which is the repository root.
		schemaPath = filepath.Join("..", "shared", "research", "openapi-secondary.json")
	}
	if _, err := os.Stat(schemaPath); err != nil {
		t.Skipf("OpenAPI schema not found (%v); set SECONDARYDNS_OPENAPI to its path", err)
	}

	adjusted := writeAdjustedSchema(t, schemaPath)
	prism := startPrism(t, prismBin, adjusted)

	// Prism serves the paths of the schema at its root: it does not expect the
	// /client/v4 prefix of the schema's server URL (a request under /client/v4
	// gets 404 NO_PATH_MATCHED_ERROR), so the base URL is the bare origin.
	baseURL := prism.url

	t.Run("ValidationIsLive", func(t *testing.T) {
		// Without these the positive checks below could pass vacuously, e.g.
		// against a Prism that answers every request with its example.
		opURL := baseURL + "/zones/" + contractZone + "/secondary_dns/outgoing"
		hc := &http.Client{Timeout: 10 * time.Second}

		do := func(method, url string, hdr map[string]string, body string) (int, string) {
			t.Helper()
			var rd io.Reader
			if body != "" {
				rd = strings.NewReader(body)
			}
			req, err := http.NewRequest(method, url, rd)
			require.NoError(t, err)
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := hc.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			return resp.StatusCode, resp.Header.Get("sl-violations")
		}
		token := map[string]string{"Authorization": "Bearer tok", "Accept": "application/json"}
		jsonToken := map[string]string{"Authorization": "Bearer tok", "Accept": "application/json", "Content-Type": "application/json"}

		// A conforming raw request passes (so the failures below are about the
		// broken part only).
		status, viol := do(http.MethodPost, opURL, jsonToken, `{"name":"example.com.","peers":[]}`)
		require.Equal(t, http.StatusOK, status, "conforming create rejected: %s", viol)

		// No credentials at all.
		status, viol = do(http.MethodGet, opURL+"/status", map[string]string{"Accept": "application/json"}, "")
		require.Equal(t, http.StatusUnauthorized, status)
		require.NotEmpty(t, viol, "Prism should say why it refused the request")

		// Half an email+key pair.
		status, _ = do(http.MethodGet, opURL+"/status", map[string]string{"X-Auth-Email": "user@example.com"}, "")
		require.Equal(t, http.StatusUnauthorized, status)

		// Create without the required body.
		status, viol = do(http.MethodPost, opURL, token, "")
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.NotEmpty(t, viol)

		// Create with a body that breaks the schema (peers must be an array).
		status, viol = do(http.MethodPost, opURL, jsonToken, `{"name":"example.com.","peers":null}`)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, viol, "peers")

		// Enable without its (schemaless but required) JSON body.
		status, _ = do(http.MethodPost, opURL+"/enable", token, "")
		require.Equal(t, http.StatusUnprocessableEntity, status)

		// A peer update without the required name, and an ACL create
		// without its range: the account operations' bodies are checked too.
		acctURL := baseURL + "/accounts/" + contractAccount + "/secondary_dns"
		status, viol = do(http.MethodPut, acctURL+"/peers/"+examplePeer1, jsonToken, `{"ip":"192.0.2.1"}`)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, viol, "name")
		status, _ = do(http.MethodPost, acctURL+"/acls", jsonToken, `{"name":"x"}`)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		status, _ = do(http.MethodPut, acctURL+"/tsigs/"+exampleTSIGID, jsonToken, `{"name":"k.","algo":"hmac-sha256."}`)
		require.Equal(t, http.StatusUnprocessableEntity, status, "a TSIG update needs its secret")
		status, viol = do(http.MethodPut, acctURL+"/tsigs/"+exampleTSIGID, jsonToken, `{"name":"k.","algo":"hmac-sha256.","secret":"YQ=="}`)
		require.Equal(t, http.StatusOK, status, "no id needed: %s", viol)

		// A body that is not JSON.
		status, _ = do(http.MethodPost, opURL+"/enable", map[string]string{"Authorization": "Bearer tok", "Content-Type": "text/plain"}, "x")
		require.Equal(t, http.StatusUnsupportedMediaType, status)

		// And the SDK turns Prism's refusal into an error: here a transport that
		// strips the credentials after the SDK has set them.
		rec := &violationRecorder{next: stripAuth{http.DefaultTransport}}
		c, err := secondarydns.NewClient(
			secondarydns.WithAPIToken("tok"),
			secondarydns.WithBaseURL(baseURL),
			secondarydns.WithHTTPClient(&http.Client{Transport: rec, Timeout: 10 * time.Second}),
			secondarydns.WithMaxRetries(0),
		)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err = c.Outgoing.Status(ctx, contractZone)
		require.Error(t, err)
		require.ErrorIs(t, err, secondarydns.ErrUnauthorized)
		var apiErr *secondarydns.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	})

	auths := []struct {
		name string
		opt  secondarydns.Option
	}{
		{"APIToken", secondarydns.WithAPIToken("contract-test-token")},
		{"APIKey", secondarydns.WithAPIKey("user@example.com", "contract-test-key")},
	}
	for _, auth := range auths {
		t.Run(auth.name, func(t *testing.T) {
			rec := &violationRecorder{next: http.DefaultTransport}
			c, err := secondarydns.NewClient(
				auth.opt,
				secondarydns.WithBaseURL(baseURL),
				secondarydns.WithHTTPClient(&http.Client{Transport: rec, Timeout: 10 * time.Second}),
			)
			require.NoError(t, err)
			checkAllOperations(t, c, rec)
			checkAccountOperations(t, c, rec)
		})
	}
}

// checkAllOperations runs the eight calls and checks the typed results against
// the schema's examples. Any refusal by Prism is reported with its reasons.
func checkAllOperations(t *testing.T, c *secondarydns.Client, rec *violationRecorder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	exampleAt, err := time.Parse(time.RFC3339Nano, exampleTime)
	require.NoError(t, err)

	// ok fails the test with the request Prism refused and why.
	ok := func(op string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v\nPrism's verdict on the requests of this call:\n%s", op, err, rec.describe())
		}
		require.Empty(t, rec.violations(), "%s: Prism reported violations: %s", op, rec.describe())
	}
	checkOutgoing := func(op string, o *secondarydns.Outgoing) {
		t.Helper()
		require.NotNil(t, o, op)
		require.Equal(t, exampleID, o.ID, op)
		require.Equal(t, exampleName, o.Name, op)
		require.Equal(t, []string{examplePeer1, examplePeer2}, o.Peers, op)
		require.Equal(t, exampleSerial, o.SOASerial, op)
		require.True(t, o.CheckedTime.Equal(exampleAt), "%s: checked_time %v", op, o.CheckedTime)
		require.True(t, o.CreatedTime.Equal(exampleAt), "%s: created_time %v", op, o.CreatedTime)
		require.True(t, o.LastTransferredTime.Equal(exampleAt), "%s: last_transferred_time %v", op, o.LastTransferredTime)
	}

	rec.reset()
	var meta secondarydns.Response
	o, err := c.Outgoing.Get(ctx, contractZone, secondarydns.WithResponse(&meta))
	ok("Get", err)
	checkOutgoing("Get", o)
	require.Equal(t, http.StatusOK, meta.StatusCode)
	require.Equal(t, 1, meta.Attempts)

	rec.reset()
	o, err = c.Outgoing.Create(ctx, contractZone, secondarydns.OutgoingParams{
		Name:  "example.com.",
		Peers: []string{examplePeer1, examplePeer2},
	})
	ok("Create", err)
	checkOutgoing("Create", o)

	// nil peers must go out as [] (the schema requires an array, Prism refuses null).
	rec.reset()
	o, err = c.Outgoing.Create(ctx, contractZone, secondarydns.OutgoingParams{Name: "example.com"})
	ok("Create (nil peers)", err)
	checkOutgoing("Create (nil peers)", o)

	rec.reset()
	o, err = c.Outgoing.Update(ctx, contractZone, secondarydns.OutgoingParams{
		Name:  "example.com.",
		Peers: []string{examplePeer1},
	})
	ok("Update", err)
	checkOutgoing("Update", o)

	rec.reset()
	o, err = c.Outgoing.Update(ctx, contractZone, secondarydns.OutgoingParams{Name: "example.com.", Peers: []string{}})
	ok("Update (empty peers)", err)
	checkOutgoing("Update (empty peers)", o)

	rec.reset()
	id, err := c.Outgoing.Delete(ctx, contractZone)
	ok("Delete", err)
	require.Equal(t, exampleID, id)

	rec.reset()
	st, err := c.Outgoing.Enable(ctx, contractZone)
	ok("Enable", err)
	require.Equal(t, secondarydns.StatusEnabled, st)

	rec.reset()
	st, err = c.Outgoing.Disable(ctx, contractZone)
	ok("Disable", err)
	require.Equal(t, secondarydns.StatusDisabled, st)

	rec.reset()
	msg, err := c.Outgoing.ForceNotify(ctx, contractZone)
	ok("ForceNotify", err)
	require.Equal(t, "OK", msg)

	rec.reset()
	st, err = c.Outgoing.Status(ctx, contractZone)
	ok("Status", err)
	require.Equal(t, secondarydns.StatusEnabled, st)
}

// checkAccountOperations runs every call of the three account services and
// checks the typed results against the schema's examples. The peer create is
// run twice: with only a name (the documented body; the example answer needs
// no PUT) and with every field set to other values than the example's, so
// the create quirk's PUT goes to Prism too.
func checkAccountOperations(t *testing.T, c *secondarydns.Client, rec *violationRecorder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ok := func(op string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v\nPrism's verdict on the requests of this call:\n%s", op, err, rec.describe())
		}
		require.Empty(t, rec.violations(), "%s: Prism reported violations: %s", op, rec.describe())
	}
	examplePeer := secondarydns.Peer{ID: examplePeer1, Name: "my-peer-1", IP: "192.0.2.53", Port: 53, TSIGID: exampleTSIGID}
	exampleTSIG := secondarydns.TSIG{ID: exampleTSIGID, Name: "tsig.customer.cf.", Algo: "hmac-sha512.", Secret: exampleSecret}
	exampleACL := secondarydns.ACL{ID: examplePeer1, Name: "my-acl-1", IPRange: "192.0.2.53/28"}
	requests := func(op string, n int) {
		t.Helper()
		rec.mu.Lock()
		got := len(rec.entries)
		rec.mu.Unlock()
		require.Equal(t, n, got, "%s: requests sent:\n%s", op, rec.describe())
	}

	// Peers.
	rec.reset()
	peers, err := c.Peers.List(ctx, contractAccount)
	ok("Peers.List", err)
	require.NotEmpty(t, peers, "Prism answers with the example")
	for _, p := range peers {
		require.Equal(t, examplePeer, p)
	}
	rec.reset()
	p, err := c.Peers.Get(ctx, contractAccount, examplePeer1)
	ok("Peers.Get", err)
	require.Equal(t, &examplePeer, p)
	rec.reset()
	p, err = c.Peers.Create(ctx, contractAccount, secondarydns.PeerParams{Name: "ns1"})
	ok("Peers.Create (name only)", err)
	require.Equal(t, &examplePeer, p)
	requests("Peers.Create (name only)", 1)
	rec.reset()
	p, err = c.Peers.Create(ctx, contractAccount, secondarydns.PeerParams{Name: "ns1", IP: "2001:db8::53", Port: 5353, IXFREnable: true, TSIGID: examplePeer2})
	ok("Peers.Create (every field, then the PUT)", err)
	require.Equal(t, &examplePeer, p)
	requests("Peers.Create (every field, then the PUT)", 2)
	rec.reset()
	p, err = c.Peers.Update(ctx, contractAccount, examplePeer1, secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.1"})
	ok("Peers.Update", err)
	require.Equal(t, &examplePeer, p)
	rec.reset()
	id, err := c.Peers.Delete(ctx, contractAccount, examplePeer1)
	ok("Peers.Delete", err)
	require.NotEmpty(t, id)

	// TSIGs.
	params := secondarydns.TSIGParams{Name: "tsig.example.com.", Algo: secondarydns.TSIGHMACSHA256, Secret: "c2VjcmV0LVRTSUcta2V5LTlmMmU0Yg=="}
	rec.reset()
	tsigs, err := c.TSIGs.List(ctx, contractAccount)
	ok("TSIGs.List", err)
	require.NotEmpty(t, tsigs, "Prism answers with the example")
	for _, k := range tsigs {
		require.Equal(t, exampleTSIG, k)
	}
	rec.reset()
	k, err := c.TSIGs.Get(ctx, contractAccount, exampleTSIGID)
	ok("TSIGs.Get", err)
	require.Equal(t, &exampleTSIG, k)
	rec.reset()
	k, err = c.TSIGs.Create(ctx, contractAccount, params)
	ok("TSIGs.Create", err)
	require.Equal(t, &exampleTSIG, k)
	rec.reset()
	k, err = c.TSIGs.Update(ctx, contractAccount, exampleTSIGID, params)
	ok("TSIGs.Update", err)
	require.Equal(t, &exampleTSIG, k)
	rec.reset()
	id, err = c.TSIGs.Delete(ctx, contractAccount, exampleTSIGID)
	ok("TSIGs.Delete", err)
	require.NotEmpty(t, id)

	// ACLs.
	acl := secondarydns.ACLParams{Name: "xfr", IPRange: "192.0.2.0/24"}
	rec.reset()
	acls, err := c.ACLs.List(ctx, contractAccount)
	ok("ACLs.List", err)
	require.NotEmpty(t, acls, "Prism answers with the example")
	for _, a := range acls {
		require.Equal(t, exampleACL, a)
	}
	rec.reset()
	a, err := c.ACLs.Get(ctx, contractAccount, examplePeer1)
	ok("ACLs.Get", err)
	require.Equal(t, &exampleACL, a)
	rec.reset()
	a, err = c.ACLs.Create(ctx, contractAccount, acl)
	ok("ACLs.Create", err)
	require.Equal(t, &exampleACL, a)
	rec.reset()
	a, err = c.ACLs.Update(ctx, contractAccount, examplePeer1, secondarydns.ACLParams{Name: "v6", IPRange: "2001:db8::/64"})
	ok("ACLs.Update", err)
	require.Equal(t, &exampleACL, a)
	rec.reset()
	id, err = c.ACLs.Delete(ctx, contractAccount, examplePeer1)
	ok("ACLs.Delete", err)
	require.NotEmpty(t, id)
}

// writeAdjustedSchema copies the official schema to a temporary file with two
// corrections, and nothing else, so that Prism judges the SDK by the API as it
// is today rather than by the 2024 revision's known inaccuracies:
//
//  1. Security. The 2024 revision overrides the security of each of these
//     operations with email+key only ([{api_email, api_key}]), although the API
//     accepts `Authorization: Bearer <token>` and the SDK sends it by default.
//     The 2026 revision of the schema (cloudflare/api-schemas c92b9b0f) lists
//     [{api_token: []}, {api_email: [], api_key: []}] for each of them; we use
//     exactly that. Unadjusted, Prism refuses every token request with 401.
//  2. DELETE body. The 2024 revision marks DELETE's JSON requestBody (which has
//     no schema) `required: true`, while real clients (cloudflare-go, the
//     Terraform provider) send no body, and so does this SDK. We make it not
//     required. Unadjusted, Prism refuses a DELETE without a body with 422.
//  3. No id in request bodies. The 2024 revision reuses the peer, TSIG and
//     ACL object schemas (which require the read-only "id") as the bodies of
//     their PUTs and of the TSIG POST, while the object's ID is in the path
//     and cloudflare-go's PeerParam, TSIGParam and ACLParam have no id; the
//     SDK never sends one. Each such body gets a copy of the object schema
//     without "id" among its required fields. Unadjusted, Prism refuses every
//     update with 422. (The outgoing create and update bodies require an id
//     too, but theirs is marked readOnly, which Prism already honours; the
//     same change there alters nothing.)
//
// The operations' own bodies for enable, disable and force_notify stay required:
// the SDK sends `{}` to them, as the API reference does.
func writeAdjustedSchema(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)

	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep numbers (examples) exactly as written
	require.NoError(t, dec.Decode(&doc), "parse %s", path)

	schemes, _ := digMap(doc, "components", "securitySchemes")
	require.Contains(t, schemes, "api_token", "the schema defines no api_token security scheme")
	require.Contains(t, schemes, "api_email")
	require.Contains(t, schemes, "api_key")

	paths, ok := doc["paths"].(map[string]any)
	require.True(t, ok, "the schema has no paths")
	components, _ := digMap(doc, "components", "schemas")
	httpMethods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}
	ops, deletes, idBodies := 0, 0, 0
	for p, item := range paths {
		methods, ok := item.(map[string]any)
		require.True(t, ok, "path %s is not an object", p)
		for m, op := range methods {
			if !httpMethods[m] {
				continue // "parameters", "summary", ...
			}
			opm, ok := op.(map[string]any)
			require.True(t, ok, "%s %s is not an object", m, p)
			ops++
			// (1) bearer token first, then email+key, as in the 2026 revision.
			opm["security"] = []any{
				map[string]any{"api_token": []any{}},
				map[string]any{"api_email": []any{}, "api_key": []any{}},
			}
			// (2) DELETE's body is optional.
			if m == "delete" {
				if rb, ok := opm["requestBody"].(map[string]any); ok {
					rb["required"] = false
					deletes++
				}
			}
			// (3) No id required in a request body.
			if js, ok := digMap(opm, "requestBody", "content", "application/json", "schema"); ok {
				if ref, ok := js["$ref"].(string); ok {
					obj, ok := components[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
					require.True(t, ok, "%s %s: %s is not in the schema", m, p, ref)
					cp := make(map[string]any, len(obj))
					for k, v := range obj {
						cp[k] = v
					}
					if req, ok := obj["required"].([]any); ok {
						var kept []any
						for _, f := range req {
							if f != "id" {
								kept = append(kept, f)
							} else {
								idBodies++
							}
						}
						cp["required"] = kept
					}
					content, _ := digMap(opm, "requestBody", "content")
					content["application/json"] = map[string]any{"schema": cp}
				}
			}
		}
	}
	require.Equal(t, 23, ops, "expected the 8 outgoing operations and 5 for each of peers, TSIGs and ACLs in %s", path)
	require.Equal(t, 4, deletes, "expected four DELETEs with a requestBody in %s", path)
	require.Equal(t, 6, idBodies, "expected the peer, TSIG and ACL PUTs, the TSIG POST and the outgoing POST and PUT to require an id in %s", path)

	out, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	adjusted := filepath.Join(t.TempDir(), "openapi-secondary.adjusted.json")
	require.NoError(t, os.WriteFile(adjusted, out, 0o600))
	return adjusted
}

func digMap(m map[string]any, keys ...string) (map[string]any, bool) {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
}

// prismServer is a running `prism mock` process.
type prismServer struct {
	url string
	log *syncBuffer
}

func (p *prismServer) logTail() string {
	s := p.log.String()
	const max = 4000
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

// startPrism starts `prism mock --errors` on a free loopback port, waits until
// it answers HTTP and stops it when the test ends.
func startPrism(t *testing.T, bin, schema string) *prismServer {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the free port may be taken meanwhile
		p, err := tryStartPrism(t, bin, schema)
		if err == nil {
			return p
		}
		lastErr = err
	}
	t.Fatalf("Prism did not start: %v", lastErr)
	return nil
}

func tryStartPrism(t *testing.T, bin, schema string) (*prismServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "mock", "--errors", "-p", strconv.Itoa(port), "-h", "127.0.0.1", schema)
	cmd.Stdout = logs
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	p := &prismServer{url: "http://127.0.0.1:" + strconv.Itoa(port), log: logs}
	probe := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(prismStartTimeout)
	for {
		select {
		case <-exited:
			return nil, fmt.Errorf("prism exited early (%v); output:\n%s", waitErr, p.logTail())
		default:
		}
		// Any HTTP answer (401 here: no credentials) means Prism is serving.
		resp, err := probe.Get(p.url + "/zones/" + contractZone + "/secondary_dns/outgoing/status")
		if err == nil {
			resp.Body.Close()
			t.Cleanup(stop)
			return p, nil
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("prism did not answer on %s within %v (last error: %v); output:\n%s",
				p.url, prismStartTimeout, err, p.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects Prism's output; written by os/exec's copying goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// violationRecorder records, for each request, Prism's verdict: the status and
// the sl-violations header in which Prism explains a refusal.
type violationRecorder struct {
	next http.RoundTripper

	mu      sync.Mutex
	entries []string
	viols   []string
}

func (r *violationRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	line := req.Method + " " + req.URL.Path
	resp, err := r.next.RoundTrip(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.entries = append(r.entries, line+" -> transport error: "+err.Error())
		return resp, err
	}
	line += " (Content-Type " + strconv.Quote(req.Header.Get("Content-Type")) + ") -> " + resp.Status
	if v := resp.Header.Get("sl-violations"); v != "" {
		line += " sl-violations: " + v
		r.viols = append(r.viols, v)
	}
	r.entries = append(r.entries, line)
	return resp, nil
}

func (r *violationRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries, r.viols = nil, nil
}

func (r *violationRecorder) violations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.viols...)
}

func (r *violationRecorder) describe() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.entries) == 0 {
		return "  (no request reached the transport)"
	}
	return "  " + strings.Join(r.entries, "\n  ")
}

// stripAuth removes the credentials the SDK set, to provoke Prism's 401.
type stripAuth struct{ next http.RoundTripper }

func (s stripAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Del("Authorization")
	req.Header.Del("X-Auth-Email")
	req.Header.Del("X-Auth-Key")
	return s.next.RoundTrip(req)
}
