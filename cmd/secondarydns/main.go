// Command secondarydns manages Cloudflare's Secondary DNS outgoing zone
// transfers ("Cloudflare as primary") from the shell: every endpoint of the
// API, plus plan/apply of a desired-state file over a fleet of zones, export
// of the current state, and fake, a local fake of the API for tests.
//
//	secondarydns get ZONE_ID
//	secondarydns create ZONE_ID --name NAME [--peer ID]...
//	secondarydns update ZONE_ID --name NAME (--peer ID... | --no-peers) [--yes]
//	secondarydns delete|disable ZONE_ID [--yes]
//	secondarydns enable|notify|status ZONE_ID
//	secondarydns export [ZONE_ID...] [--ids FILE]
//	secondarydns plan  -f FILE [--exit-code] [--out PLAN]
//	secondarydns apply -f FILE [--yes] [--allow-destroy]
//	secondarydns apply --plan PLAN [--checksum SHA256] [--yes] [--allow-destroy]
//	secondarydns fake [--addr HOST:PORT] [-f FILE] [--rate-limit N/DURATION] [--secondaries N]
//	secondarydns version
//	secondarydns verify [ZONE...] [-f FILE] [--ns HOST[:PORT]]... [--notify] [--wait DURATION]
//	secondarydns peers list|get|create|update|delete …
//	secondarydns tsigs list|get|create|update|delete …
//	secondarydns acls list|get|create|update|delete …
//	secondarydns zones list [--name NAME]
//
// Credentials come from the environment only: CLOUDFLARE_API_TOKEN, or
// CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY; CLOUDFLARE_BASE_URL sets the API's
// base URL. The account objects' commands take the account from --account,
// else CLOUDFLARE_ACCOUNT_ID; a TSIG secret never comes from a flag. Run
// "secondarydns help" or "secondarydns COMMAND --help" for more.
//
// Exit codes: 0 success; 1 a request failed, a zone was stale, the
// confirmation was declined, --timeout passed or standard output could not
// be written; 2 bad usage or input (no write was sent); 3 plan --exit-code
// found changes; 130 interrupted (SIGINT, SIGTERM or SIGHUP; a second signal
// is noted, a third exits at once).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, append(stopSignals, syscall.SIGPIPE)...)
	// One stderr for the run and the signal handler's remarks, so that a
	// remark never lands inside the progress line.
	stderr := &lockedWriter{w: os.Stderr}
	go watchSignals(sigs, stop, stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, stderr)
	os.Exit(code)
}
