package secondarydns

import (
	"context"
	"net/http"
)

// The account objects (peers, TSIG keys, ACLs) share one shape: five
// operations under /accounts/{account_id}/secondary_dns/{kind}. This file is
// that shape, once; peers.go, tsigs.go and acls.go only name their kind,
// their types and their body.

// service is what every service type is made of. The account services are
// defined as it (type PeersService service), so one ready check serves them
// all, nil receivers included.
type service struct{ client *Client }

// ready returns the client, or refuses a service that NewClient did not make
// (a zero or nil one, or one of a zero Client) instead of panicking.
func (s *service) ready() (*Client, error) {
	if s == nil || s.client == nil || s.client.cfg == nil {
		return nil, invalid("the client was not made by NewClient; use NewClient")
	}
	return s.client, nil
}

// objectKind holds the five endpoints of one kind of account object.
type objectKind struct {
	list, get, create, update, del endpoint
}

// newObjectKind describes /accounts/{account_id}/secondary_dns/{collection};
// idWhat names the object's ID in errors ("peer ID"). Only Create is unsafe
// to repeat once it may have reached the server: a repeated create makes a
// second object.
func newObjectKind(collection, idWhat string) objectKind {
	all := endpoint{root: "/accounts/", idWhat: "account ID", mid: "/secondary_dns/" + collection}
	one := all
	one.objWhat = idWhat
	k := objectKind{list: all, get: one, create: all, update: one, del: one}
	k.list.method, k.get.method = http.MethodGet, http.MethodGet
	k.create.method, k.create.createLike = http.MethodPost, true
	k.update.method = http.MethodPut
	k.del.method = http.MethodDelete
	return k
}

var (
	peerKind = newObjectKind("peers", "peer ID")
	tsigKind = newObjectKind("tsigs", "TSIG ID")
	aclKind  = newObjectKind("acls", "ACL ID")
)

// objectParams is the body of a create or update.
type objectParams interface {
	// body validates the parameters and returns the JSON body: exactly
	// the set fields, with the API's names, never an id.
	body() ([]byte, error)
	// sends returns the secret the body carries, "" for none.
	sends() string
}

// accountCall runs one operation on an account object (or list) and returns
// its typed result: the account services' call.
func accountCall[T any](ctx context.Context, s *service, ep *endpoint, t target, p objectParams, opts []Option) (*T, error) {
	env := new(envelope[T])
	if err := accountDo(ctx, s, ep, t, p, opts, env); err != nil {
		return nil, err
	}
	return env.Result, nil
}

// accountDo is accountCall decoding into dst, for a call whose decoder also
// checks the result (see checker).
func accountDo(ctx context.Context, s *service, ep *endpoint, t target, p objectParams, opts []Option, dst decoder) error {
	c, err := s.ready()
	if err != nil {
		return refused(opts, err)
	}
	var body []byte
	if p != nil {
		// The parameters are checked before the IDs (in do), as the
		// outgoing writes do.
		if body, err = p.body(); err != nil {
			return refused(opts, err)
		}
		t.secret = p.sends()
	}
	return c.do(ctx, ep, t, body, opts, dst)
}

// listObjects returns every object of the account; none is an empty, non-nil
// slice.
func listObjects[T any](ctx context.Context, s *service, k *objectKind, accountID string, opts []Option) ([]T, error) {
	res, err := accountCall[[]T](ctx, s, &k.list, target{id: accountID}, nil, opts)
	if err != nil {
		return nil, err
	}
	if *res == nil {
		return []T{}, nil
	}
	return *res, nil
}

// getObject returns one object.
func getObject[T any](ctx context.Context, s *service, k *objectKind, accountID, id string, opts []Option) (*T, error) {
	return accountCall[T](ctx, s, &k.get, target{id: accountID, obj: id}, nil, opts)
}

// createObject creates an object from p.
func createObject[T any](ctx context.Context, s *service, k *objectKind, accountID string, p objectParams, opts []Option) (*T, error) {
	return accountCall[T](ctx, s, &k.create, target{id: accountID}, p, opts)
}

// updateObject replaces an object with p.
func updateObject[T any](ctx context.Context, s *service, k *objectKind, accountID, id string, p objectParams, opts []Option) (*T, error) {
	return accountCall[T](ctx, s, &k.update, target{id: accountID, obj: id}, p, opts)
}

// deleteObject deletes an object and returns the ID the API says it deleted.
func deleteObject(ctx context.Context, s *service, k *objectKind, accountID, id string, opts []Option) (string, error) {
	res, err := accountCall[deleted](ctx, s, &k.del, target{id: accountID, obj: id}, nil, opts)
	if err != nil {
		return "", err
	}
	return res.ID, nil
}
