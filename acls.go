package secondarydns

import (
	"context"
	"encoding/json"
)

// List returns every ACL of the account (an empty account gives an empty,
// non-nil slice).
// It calls GET /accounts/{account_id}/secondary_dns/acls.
func (s *ACLsService) List(ctx context.Context, accountID string, opts ...Option) ([]ACL, error) {
	return listObjects[ACL](ctx, (*service)(s), &aclKind, accountID, opts)
}

// Get returns one ACL.
// It calls GET /accounts/{account_id}/secondary_dns/acls/{acl_id}.
func (s *ACLsService) Get(ctx context.Context, accountID, aclID string, opts ...Option) (*ACL, error) {
	return getObject[ACL](ctx, (*service)(s), &aclKind, accountID, aclID, opts)
}

// Create creates an ACL.
// It calls POST /accounts/{account_id}/secondary_dns/acls with
// {"name","ip_range"}; the POST is not repeated once it may have reached the
// server.
func (s *ACLsService) Create(ctx context.Context, accountID string, p ACLParams, opts ...Option) (*ACL, error) {
	return createObject[ACL](ctx, (*service)(s), &aclKind, accountID, p, opts)
}

// Update replaces an ACL with p.
// It calls PUT /accounts/{account_id}/secondary_dns/acls/{acl_id} with
// {"name","ip_range"}.
func (s *ACLsService) Update(ctx context.Context, accountID, aclID string, p ACLParams, opts ...Option) (*ACL, error) {
	return updateObject[ACL](ctx, (*service)(s), &aclKind, accountID, aclID, p, opts)
}

// Delete deletes an ACL and returns its ID.
// It calls DELETE /accounts/{account_id}/secondary_dns/acls/{acl_id}.
func (s *ACLsService) Delete(ctx context.Context, accountID, aclID string, opts ...Option) (string, error) {
	return deleteObject(ctx, (*service)(s), &aclKind, accountID, aclID, opts)
}

// aclBody is ACLParams on the wire.
type aclBody struct {
	Name    string `json:"name"`
	IPRange string `json:"ip_range"`
}

func (p ACLParams) body() ([]byte, error) {
	if err := validateObjectName("ACL name", p.Name); err != nil {
		return nil, err
	}
	if err := validateIPRange(p.IPRange); err != nil {
		return nil, err
	}
	return json.Marshal(aclBody(p))
}

func (ACLParams) sends() string { return "" }
