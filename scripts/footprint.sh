#!/usr/bin/env bash
# Footprint: what the SDK adds to a program's binary and dependency graph.
#
# Builds two minimal programs that fetch one zone's outgoing configuration:
# one with the SDK (client.Outgoing.Get) and one written with net/http and
# encoding/json only (the same request and typed envelope decoding), both
# stripped (-trimpath -ldflags='-s -w'), then prints their sizes, the
# difference and the non-standard packages each links.
#
# Targets (issue 5): the difference is at most 0.25 MiB, and the only
# non-standard packages besides the SDK's own are go-querystring's.
# It also checks the SDK package itself (not only the program): its
# dependencies are the standard library and go-querystring, so
# golang.org/x/time, which only cmd/secondarydns uses, never reaches SDK users.
# And it prints the stripped size of the command, cmd/secondarydns (issue 9).
# Prints PASS or FAIL; exits 1 on FAIL.
#
# The programs are written to a temporary folder and built as files from the
# repository root, so they use the repository's go.mod and go.sum and add
# nothing to them. GOOS, GOARCH and CGO_ENABLED are taken from the
# environment as usual.
set -euo pipefail

max_diff=$((256 * 1024)) # 0.25 MiB
sdk_module=github.com/dnsxfer/secondarydns
allowed_module=github.com/google/go-querystring

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null 2>&1 || { echo "footprint.sh: go is not installed" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/secondarydns-footprint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sdk" "$tmp/nethttp"

cat >"$tmp/sdk/main.go" <<'EOF'
// Command sdk fetches a zone's outgoing transfer configuration with the SDK.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dnsxfer/secondarydns"
)

func main() {
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(os.Getenv("CLOUDFLARE_API_TOKEN")))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	o, err := c.Outgoing.Get(context.Background(), os.Getenv("ZONE_ID"))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(o.Name, o.SOASerial, o.Peers, o.LastTransferredTime)
}
EOF

cat >"$tmp/nethttp/main.go" <<'EOF'
// Command nethttp makes the same call with net/http and encoding/json only.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"
)

type info struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type outgoing struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	Peers               []string  `json:"peers"`
	SOASerial           uint32    `json:"soa_serial"`
	CheckedTime         time.Time `json:"checked_time"`
	CreatedTime         time.Time `json:"created_time"`
	LastTransferredTime time.Time `json:"last_transferred_time"`
}

type envelope struct {
	Success  bool      `json:"success"`
	Errors   []info    `json:"errors"`
	Messages []info    `json:"messages"`
	Result   *outgoing `json:"result"`
}

var hc = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(ctx context.Context, token, zoneID string) (*outgoing, error) {
	u := "https://api.cloudflare.com/client/v4/zones/" + url.PathEscape(zoneID) + "/secondary_dns/outgoing"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "nethttp/1.0")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || !env.Success || env.Result == nil {
		return nil, fmt.Errorf("GET %s: %s %+v", u, resp.Status, env.Errors)
	}
	return env.Result, nil
}

func main() {
	o, err := get(context.Background(), os.Getenv("CLOUDFLARE_API_TOKEN"), os.Getenv("ZONE_ID"))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(o.Name, o.SOASerial, o.Peers, o.LastTransferredTime)
}
EOF

cd "$repo_root"
for p in sdk nethttp; do
	go build -trimpath -ldflags='-s -w' -o "$tmp/$p/$p" "$tmp/$p/main.go"
done

size() { wc -c <"$1" | tr -d ' '; }
mib() { awk -v b="$1" 'BEGIN { printf "%.3f MiB", b / 1048576 }'; }
# nonstd lists the non-standard packages a program links, but the program itself.
nonstd() {
	go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "$1" | grep -v '^command-line-arguments$' || true
}

go build -trimpath -ldflags='-s -w' -o "$tmp/secondarydns" ./cmd/secondarydns

sdk_size=$(size "$tmp/sdk/sdk")
cmd_size=$(size "$tmp/secondarydns")
pkg_pkgs=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "$sdk_module")
base_size=$(size "$tmp/nethttp/nethttp")
diff=$((sdk_size - base_size))
sdk_pkgs=$(nonstd "$tmp/sdk/main.go")
base_pkgs=$(nonstd "$tmp/nethttp/main.go")

echo "$(go version); stripped with -trimpath -ldflags='-s -w'"
printf '%-12s %10d bytes  (%s)\n' "SDK" "$sdk_size" "$(mib "$sdk_size")"
printf '%-12s %10d bytes  (%s)\n' "net/http" "$base_size" "$(mib "$base_size")"
printf '%-12s %10d bytes  (%s; target <= %s)\n' "difference" "$diff" "$(mib "$diff")" "$(mib "$max_diff")"
echo "non-standard packages, SDK program:"
sed 's/^/  /' <<<"$sdk_pkgs"
echo "non-standard packages, net/http program:"
if [[ -n $base_pkgs ]]; then sed 's/^/  /' <<<"$base_pkgs"; else echo "  (none)"; fi
echo "non-standard packages, the SDK package ($sdk_module) itself:"
sed 's/^/  /' <<<"$pkg_pkgs"
printf '%-12s %10d bytes  (%s; cmd/secondarydns)\n' "command" "$cmd_size" "$(mib "$cmd_size")"

fail=()
((diff <= max_diff)) || fail+=("the SDK adds $(mib "$diff"), more than $(mib "$max_diff")")
# Besides the SDK's own packages, only go-querystring's may appear.
others=$(grep -v -e "^$sdk_module\$" -e "^$sdk_module/" -e "^$allowed_module/" -e "^$allowed_module\$" <<<"$sdk_pkgs" || true)
[[ -z $others ]] || fail+=("unexpected non-standard packages: $(tr '\n' ' ' <<<"$others")")
pkg_others=$(grep -v -e "^$sdk_module\$" -e "^$allowed_module/" -e "^$allowed_module\$" <<<"$pkg_pkgs" || true)
[[ -z $pkg_others ]] || fail+=("the SDK package depends on: $(tr '\n' ' ' <<<"$pkg_others")")
[[ -z $base_pkgs ]] || fail+=("the net/http program links non-standard packages: $(tr '\n' ' ' <<<"$base_pkgs")")

if ((${#fail[@]} > 0)); then
	for f in "${fail[@]}"; do echo "FAIL: $f"; done
	exit 1
fi
echo "PASS: difference $(mib "$diff") <= $(mib "$max_diff"); non-standard packages: the SDK's and go-querystring's only"
