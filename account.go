package secondarydns

// This file declares the account objects (peers, TSIG keys, ACLs) and the zone
// lookup of API version 3. Their endpoint methods live beside them in
// peers.go, tsigs.go, acls.go and zones.go.

// Peer is one of the account's Secondary DNS peers: a secondary nameserver
// that Cloudflare sends NOTIFY to and that may transfer the zones listing it.
type Peer struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IP         string `json:"ip,omitempty"`          // where Cloudflare sends NOTIFY; "" none
	Port       int    `json:"port,omitempty"`        // NOTIFY port; 0 unset (DNS's 53)
	IXFREnable bool   `json:"ixfr_enable,omitempty"` // used only for secondary zones
	TSIGID     string `json:"tsig_id,omitempty"`
}

// PeerParams is the body of PeersService.Create and Update. Unset optional
// fields ("", 0, false) are left out of the body.
type PeerParams struct {
	Name       string
	IP         string
	Port       int
	IXFREnable bool
	TSIGID     string
}

// TSIG is one of the account's TSIG keys. Its Secret never appears in fmt
// verbs, slog values, errors or JSON it is encoded to (see Format, LogValue
// and MarshalJSON): slog's JSON handler encodes a slice, a map or a struct
// holding TSIGs with encoding/json, so a log record would otherwise carry
// the key. Decoding is encoding/json's own: the secret the API returns is
// kept in the value; a caller that must write it out does so explicitly.
type TSIG struct {
	ID     string `json:"id"`
	Name   string `json:"name"`   // a domain name, e.g. "tsig.example.com."
	Algo   string `json:"algo"`   // e.g. "hmac-sha256."
	Secret string `json:"secret"` // base64; never printed, logged or kept in an error
}

// TSIGParams is the body of TSIGsService.Create and Update. Its Secret never
// appears in fmt verbs, slog values or JSON it is encoded to (see Format,
// LogValue and MarshalJSON).
type TSIGParams struct {
	Name   string
	Algo   string
	Secret string
}

// ACL is one of the account's ACLs: an address range allowed to transfer the
// account's zones besides their peers.
type ACL struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	IPRange string `json:"ip_range"` // a CIDR prefix, e.g. "192.0.2.0/24"
}

// ACLParams is the body of ACLsService.Create and Update.
type ACLParams struct {
	Name    string
	IPRange string
}

// TSIG algorithm names the API documents (RFC 8945), with their trailing dot.
const (
	TSIGHMACSHA256 = "hmac-sha256."
	TSIGHMACSHA384 = "hmac-sha384."
	TSIGHMACSHA512 = "hmac-sha512."
	TSIGHMACSHA1   = "hmac-sha1."
	TSIGHMACMD5    = "hmac-md5.sig-alg.reg.int."
)

// Zone is a zone as GET /zones lists it; the SDK reads it only to turn zone
// names into IDs.
type Zone struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Status      string      `json:"status"`       // "active", "pending", …
	NameServers []string    `json:"name_servers"` // Cloudflare's nameservers for the zone
	Account     ZoneAccount `json:"account"`
}

// ZoneAccount is the account a Zone belongs to.
type ZoneAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ZoneListOptions filters ZonesService.List. It is encoded with
// go-querystring.
type ZoneListOptions struct {
	AccountID string `url:"account.id,omitempty"` // only this account's zones
	Name      string `url:"name,omitempty"`       // only the zone with this exact name
}

// PeersService calls /accounts/{account_id}/secondary_dns/peers. Reach it as
// Client.Peers.
type PeersService service

// TSIGsService calls /accounts/{account_id}/secondary_dns/tsigs. Reach it as
// Client.TSIGs.
type TSIGsService service

// ACLsService calls /accounts/{account_id}/secondary_dns/acls. Reach it as
// Client.ACLs.
type ACLsService service

// ZonesService looks zones up with GET /zones. Reach it as Client.Zones.
type ZonesService service
