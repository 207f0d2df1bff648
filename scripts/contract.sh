#!/usr/bin/env bash
# Contract test: runs every SDK call of the Secondary DNS API (the eight
# outgoing calls and the peers, TSIGs and ACLs) against Prism, a mock server that
# validates every request against Cloudflare's official OpenAPI schema
# (contract_test.go, build tag "contract").
#
# Installs a pinned @stoplight/prism-cli with npm into a cache folder (reused on
# later runs), then runs `go test -race -tags contract -run Contract` on the
# root package. Extra arguments go to `go test` (e.g. -v).
#
# Environment:
#   SECONDARYDNS_OPENAPI  the schema; default ../shared/research/openapi-secondary.json
#                         relative to the repository root
#   XDG_CACHE_HOME        Prism goes to ${XDG_CACHE_HOME:-$HOME/.cache}/secondarydns/prism-<version>
#
# Skips (exit 0, with a message) when node, npm or the schema is missing.
set -euo pipefail

# 5.14.2 is the newest Prism that runs on Node 18/20 (engines: node >=18.20.1);
# 5.15.x and later require Node >=24.14.
PRISM_VERSION=5.14.2
PRISM_MIN_NODE=18.20.1

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

skip() {
	echo "contract.sh: SKIP: $*" >&2
	exit 0
}

schema=${SECONDARYDNS_OPENAPI:-$repo_root/../shared/research/openapi-secondary.json}
[[ -f $schema ]] || skip "OpenAPI schema not found at '$schema' (set SECONDARYDNS_OPENAPI to the path of openapi-secondary.json)"
schema=$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema") # absolute: go test runs elsewhere

command -v node >/dev/null 2>&1 || skip "node is not installed (Prism needs Node >= $PRISM_MIN_NODE)"
command -v npm >/dev/null 2>&1 || skip "npm is not installed (needed to install @stoplight/prism-cli@$PRISM_VERSION)"
node_version=$(node -p 'process.versions.node')
if [[ $(printf '%s\n%s\n' "$PRISM_MIN_NODE" "$node_version" | sort -V | head -n1) != "$PRISM_MIN_NODE" ]]; then
	skip "node $node_version is too old (@stoplight/prism-cli@$PRISM_VERSION needs Node >= $PRISM_MIN_NODE)"
fi
command -v go >/dev/null 2>&1 || { echo "contract.sh: go is not installed" >&2; exit 1; }

cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/secondarydns
prefix=$cache_dir/prism-$PRISM_VERSION
prism=$prefix/node_modules/.bin/prism

if [[ ! -x $prism ]]; then
	echo "contract.sh: installing @stoplight/prism-cli@$PRISM_VERSION into $prefix" >&2
	mkdir -p "$cache_dir"
	# Install beside the final folder, then move it into place, so that an
	# interrupted install never leaves a half-filled cache behind.
	tmp=$(mktemp -d "$cache_dir/.prism-$PRISM_VERSION.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier \
		--save-exact --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION" >&2
	[[ -x $prism ]] || rm -rf "$prefix" # a broken earlier cache without the binary
	mv -T "$tmp" "$prefix" 2>/dev/null || rm -rf "$tmp" # a concurrent run may have won
	trap - EXIT
fi

got=$("$prism" --version 2>/dev/null || true)
if [[ $got != "$PRISM_VERSION" ]]; then
	echo "contract.sh: $prism reports version '$got', expected $PRISM_VERSION; remove $prefix and retry" >&2
	exit 1
fi

cd "$repo_root"
PRISM_BIN=$prism SECONDARYDNS_OPENAPI=$schema \
	exec go test -race -tags contract -run Contract -count=1 "$@" .
