package secondarydnstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The fake builds its JSON from its own types, not from package secondarydns,
// so that a bug in the client's types cannot hide in a fake that shares them.

type envelope struct {
	Success  bool       `json:"success"`
	Errors   []apiError `json:"errors"`
	Messages []apiError `json:"messages"`
	Result   any        `json:"result"`
}

// apiError is one entry of the envelope's errors. Source, when set, is
// {"pointer": "<JSON pointer into the request body>"}, the one kind of source
// the fake reports.
type apiError struct {
	Code       int               `json:"code"`
	Message    string            `json:"message"`
	Source     map[string]string `json:"source,omitempty"`
	ErrorChain []apiError        `json:"error_chain,omitempty"`
}

type outgoingJSON struct {
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	Peers               []string `json:"peers"`
	SOASerial           uint32   `json:"soa_serial"`
	CreatedTime         string   `json:"created_time,omitempty"`
	CheckedTime         string   `json:"checked_time,omitempty"`
	LastTransferredTime string   `json:"last_transferred_time,omitempty"`
}

// timeLayout is RFC 3339 with microseconds, as in the API's examples
// ("2019-10-24T17:09:42.883908+01:00").
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(timeLayout)
}

func outgoingResult(zoneID string, c *Config) outgoingJSON {
	return outgoingJSON{
		ID:                  zoneID,
		Name:                c.Name,
		Peers:               cloneStrings(c.Peers),
		SOASerial:           c.SOASerial,
		CreatedTime:         formatTime(c.CreatedTime),
		CheckedTime:         formatTime(c.CheckedTime),
		LastTransferredTime: formatTime(c.LastTransferredTime),
	}
}

func success(result any) response {
	return encode(http.StatusOK, envelope{Success: true, Errors: []apiError{}, Messages: []apiError{}, Result: result})
}

func failure(status int, errs ...apiError) response {
	return encode(status, envelope{Success: false, Errors: errs, Messages: []apiError{}})
}

func encode(status int, env envelope) response {
	b, err := json.Marshal(env)
	if err != nil {
		panic("secondarydnstest: " + err.Error()) // the fake's own types always encode
	}
	return response{status: status, body: b}
}

func notRouted(path string) []apiError {
	return []apiError{
		{Code: 7003, Message: fmt.Sprintf("Could not route to %s, perhaps your object identifier is invalid?", path)},
		{Code: 7000, Message: "No route for that URI"},
	}
}

func invalidHeaders(code int, msg string) response {
	return failure(http.StatusBadRequest, apiError{
		Code:       6003,
		Message:    "Invalid request headers",
		ErrorChain: []apiError{{Code: code, Message: msg}},
	})
}

func invalidBody(pointer, msg string) apiError {
	return apiError{Code: 1004, Message: msg, Source: map[string]string{"pointer": pointer}}
}

func noConfig() response {
	return failure(http.StatusNotFound, apiError{Code: 1003, Message: "Zone has no outgoing zone transfer configuration"})
}

// resultInfo is a list's paging, as Cloudflare reports it.
type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// listEnvelope is the envelope of a list: the result and its result_info.
type listEnvelope struct {
	envelope
	ResultInfo resultInfo `json:"result_info"`
}

func successList(result any, info resultInfo) response {
	b, err := json.Marshal(listEnvelope{
		envelope:   envelope{Success: true, Errors: []apiError{}, Messages: []apiError{}, Result: result},
		ResultInfo: info,
	})
	if err != nil {
		panic("secondarydnstest: " + err.Error())
	}
	return response{status: http.StatusOK, body: b}
}
