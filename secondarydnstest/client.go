package secondarydnstest

import (
	"fmt"

	"github.com/dnsxfer/secondarydns"
)

// Client returns a secondarydns client for the server: its base URL is the
// server's URL and its credentials are the server's (the token, or the email
// and key when the server accepts no token), followed by opts.
//
// Credentials in opts replace the server's, as credentials given to a call
// replace the client's, so a test of a wrong token reads
// srv.Client(secondarydns.WithAPIToken("wrong")). An Option cannot be looked
// into, so Client first builds the client from opts alone and adds the
// server's credentials only if that fails; if both fail it returns the first
// error, which wraps secondarydns.ErrInvalidInput.
func (s *Server) Client(opts ...secondarydns.Option) (*secondarydns.Client, error) {
	base := secondarydns.WithBaseURL(s.URL)
	c, err := secondarydns.NewClient(append([]secondarydns.Option{base}, opts...)...)
	if err == nil {
		return c, nil
	}
	var cred secondarydns.Option
	switch {
	case s.cfg.token != "":
		cred = secondarydns.WithAPIToken(s.cfg.token)
	case s.cfg.key != "":
		cred = secondarydns.WithAPIKey(s.cfg.email, s.cfg.key)
	default:
		return nil, err // the server accepts no credentials to give
	}
	if c, err2 := secondarydns.NewClient(append([]secondarydns.Option{base, cred}, opts...)...); err2 == nil {
		return c, nil
	}
	return nil, err
}

// ZoneID returns a zone ID for tests: 32 lowercase hexadecimal characters,
// as the server (and Cloudflare) wants, the same for the same i and distinct
// for distinct i. For i >= 0 the IDs sort as the numbers do (ZoneID(1) is
// "00000000000000000000000000000001"), so results that come back sorted by
// zone ID come back in the order of i.
func ZoneID(i int) string {
	return fmt.Sprintf("%032x", uint64(i))
}
