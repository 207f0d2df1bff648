package main

// The account objects' commands: peers, tsigs and acls, each a group of
// list/get/create/update/delete over one generic kind, and zones list.

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// envAccountID names the account when neither --account nor a file does.
const envAccountID = "CLOUDFLARE_ACCOUNT_ID"

// exampleAccountID is the account ID the commands' examples use.
const exampleAccountID = "01a7362d577a6c3019a474fd6f485823"

// objectFlags are the object commands' own flags, and the secret they read
// or generate.
type objectFlags struct {
	name, ip, tsig, algo, ipRange string
	port                          int
	ixfr                          bool
	secretFile                    string
	generate                      bool
	showSecret                    bool
	zoneName                      string

	// secret is the TSIG secret this run sends: it is scrubbed from every
	// message and log line the command writes. generated says it was made
	// by --generate, so the output shows it, once.
	secret    string
	generated bool

	// set is the flag set the command's flags were parsed with, so that
	// peers update can tell a flag given ("--port 0") from one left out.
	set *flag.FlagSet
}

// given reports whether the flag was on the command line.
func (o *objectFlags) given(name string) bool {
	found := false
	if o.set != nil {
		o.set.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	}
	return found
}

// accountID is the account the command works on: --account, else the
// desired-state file's "account" (fileAccount; "" when there is no file or
// it names none), else CLOUDFLARE_ACCOUNT_ID; "" when none names one. A
// --account that differs from the file's is an error (the caller's exit 2):
// a file written for one account is never applied to another.
func (a *app) accountID(fileAccount string) (string, error) {
	switch {
	case a.account != "" && fileAccount != "" && a.account != fileAccount:
		return "", fmt.Errorf("--account %s differs from the file's \"account\" %s: a file written for one account is not applied to another; drop --account or fix the file", a.account, fileAccount)
	case a.account != "":
		return a.account, nil
	case fileAccount != "":
		return fileAccount, nil
	}
	return a.env(envAccountID), nil
}

// needAccount is accountID for a command that cannot run without one. It
// returns -1 to go on, or the exit code to stop with.
func (a *app) needAccount(fileAccount string) (string, int) {
	id, err := a.accountID(fileAccount)
	if err != nil {
		return "", a.inputError(err.Error())
	}
	if id == "" {
		return "", a.inputError("no account: pass --account ACCOUNT_ID or set " + envAccountID + " (the ID is on the account's overview page in the dashboard); nothing was sent")
	}
	return id, -1
}

func accountFlag(a *app, fs *flag.FlagSet) {
	fs.StringVar(&a.account, "account", "", "the account `ID` (default $"+envAccountID+")")
}

// objectAPI is what PeersService, TSIGsService and ACLsService have in
// common: T is the object, P the body of create and update.
type objectAPI[T, P any] interface {
	List(ctx context.Context, accountID string, opts ...secondarydns.Option) ([]T, error)
	Get(ctx context.Context, accountID, id string, opts ...secondarydns.Option) (*T, error)
	Create(ctx context.Context, accountID string, p P, opts ...secondarydns.Option) (*T, error)
	Update(ctx context.Context, accountID, id string, p P, opts ...secondarydns.Option) (*T, error)
	Delete(ctx context.Context, accountID, id string, opts ...secondarydns.Option) (string, error)
}

// objectKind describes one kind of account object; its group() is the
// command.
type objectKind[T, P any] struct {
	noun, nouns, plural, idArg string // "TSIG key", "TSIG keys", "tsigs", "TSIG_ID"
	exampleID                  string
	about                      string // the group's description
	api                        func(*secondarydns.Client) objectAPI[T, P]

	// writeArgs and writeFlags are create's and update's flags; check
	// finds bad usage in them ("" for none); params makes the body (once
	// the account is known: it may read standard input), returning -1 to
	// go on, else the exit code.
	writeArgs    string
	writeFlags   func(a *app, fs *flag.FlagSet)
	writeExample string
	writeDetail  string
	check        func(a *app) string
	params       func(a *app) (P, int)

	// merge, when set, makes update safe: it reads the object first (one
	// GET) and merge fills the body's fields whose flags were not given
	// from what it read, so an update changes only what was asked.
	// updateDetail is then update's description.
	merge        func(a *app, old T, p P) P
	updateDetail string
	// checkable, when set, fills the fields update may leave out (kept
	// from the read object) with valid stand-ins, so that checking the
	// flags before any request does not refuse an empty required field.
	checkable func(a *app, p P) P
	// updateArgs, when set, is update's synopsis (writeArgs otherwise).
	updateArgs string

	// deleteWarning, when set, is what deleting the object would break
	// ("" for nothing), asked before the delete: it goes into the
	// confirmation's question, and on stderr under --yes. deleteDetail
	// says so in delete's help.
	deleteWarning func(ctx context.Context, c *secondarydns.Client, acct, id string) (string, error)
	deleteDetail  string

	// showSecret registers --show-secret(s) on list and get (TSIGs only).
	showSecret func(a *app, fs *flag.FlagSet, plural bool)
	view       func(a *app, v T) objectView
}

// group is the kind's command: "secondarydns peers list|get|…".
func (k *objectKind[T, P]) group() *command {
	withAccount := func(more ...func(a *app, fs *flag.FlagSet)) func(a *app, fs *flag.FlagSet) {
		return func(a *app, fs *flag.FlagSet) {
			accountFlag(a, fs)
			for _, f := range more {
				f(a, fs)
			}
		}
	}
	show := func(plural bool) func(a *app, fs *flag.FlagSet) {
		return func(a *app, fs *flag.FlagSet) {
			if k.showSecret != nil {
				k.showSecret(a, fs, plural)
			}
		}
	}
	yes := func(a *app, fs *flag.FlagSet) {
		fs.BoolVar(&a.yes, "yes", false, "delete without asking (required when standard input is not a terminal)")
	}
	path := "/accounts/{account_id}/secondary_dns/" + k.plural
	ex := "secondarydns " + k.plural + " "
	g := &command{
		name: k.plural, args: "list|get|create|update|delete [ARGS]",
		summary: "list, show, create, update and delete the account's " + k.nouns,
		detail:  k.about,
		example: ex + "list --account " + exampleAccountID,
	}
	update := &command{
		name: k.plural + " update", args: k.idArg + " " + cmp.Or(k.updateArgs, k.writeArgs), minArgs: 1, maxArgs: 1, flags: withAccount(k.writeFlags),
		summary: "replace a " + k.noun,
		detail: "Replace a " + k.noun + " (PUT " + path + "/{id}): the flags give the whole object, and a\n" +
			"field not given is cleared." + k.writeDetail,
		example: ex + "update " + k.exampleID + " " + k.writeExample,
		run:     k.runUpdate,
	}
	if k.merge != nil {
		update.summary = "change a " + k.noun
		update.detail = strings.ReplaceAll(k.updateDetail, "{path}", path)
	}
	listArgs := ""
	getArgs := k.idArg
	if k.showSecret != nil {
		listArgs, getArgs = "[--show-secrets]", k.idArg+" [--show-secret]"
	}
	g.subs = []*command{{
		name: k.plural + " list", args: listArgs, maxArgs: 0, flags: withAccount(show(true)),
		summary: "list the account's " + k.nouns,
		detail:  "List every " + k.noun + " of the account (GET " + path + ").",
		example: ex + "list -o json",
		run:     k.runList,
	}, {
		name: k.plural + " get", args: getArgs, minArgs: 1, maxArgs: 1, flags: withAccount(show(false)),
		summary: "show one " + k.noun,
		detail:  "Show one " + k.noun + " (GET " + path + "/{id}).",
		example: ex + "get " + k.exampleID,
		run:     k.runGet,
	}, {
		name: k.plural + " create", args: k.writeArgs, maxArgs: 0, flags: withAccount(k.writeFlags),
		summary: "create a " + k.noun,
		detail:  "Create a " + k.noun + " (POST " + path + ")." + k.writeDetail,
		example: ex + "create " + k.writeExample,
		run:     k.runCreate,
	}, update, {
		name: k.plural + " delete", args: k.idArg + " [--yes]", minArgs: 1, maxArgs: 1, flags: withAccount(yes),
		summary: "delete a " + k.noun,
		detail: "Delete a " + k.noun + " (DELETE " + path + "/{id}). On a terminal it asks first;\n" +
			"otherwise --yes is required." + k.deleteDetail,
		example: ex + "delete " + k.exampleID + " --yes",
		run:     k.runDelete,
	}}
	return g
}

func (k *objectKind[T, P]) runList(a *app, _ []string) int {
	acct, code := a.needAccount("")
	if code >= 0 {
		return code
	}
	return a.objectCall("", nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		list, err := k.api(c).List(ctx, acct)
		if err != nil {
			return nil, err
		}
		views := make([]objectView, len(list))
		for i, v := range list {
			views[i] = k.view(a, v)
		}
		return listOutput(k.plural, views), nil
	})
}

func (k *objectKind[T, P]) runGet(a *app, args []string) int {
	acct, code := a.needAccount("")
	if code >= 0 {
		return code
	}
	return a.objectCall(args[0], nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		v, err := k.api(c).Get(ctx, acct, args[0])
		return k.one(a, v), err
	})
}

// prepare checks create's and update's flags, finds the account and makes
// the body. The code is -1 to go on, else the exit code.
func (k *objectKind[T, P]) prepare(a *app) (acct string, p P, code int) {
	if msg := k.check(a); msg != "" {
		return "", p, a.usageError(a.cmd, msg)
	}
	if acct, code = a.needAccount(""); code >= 0 {
		return "", p, code
	}
	p, code = k.params(a)
	return acct, p, code
}

func (k *objectKind[T, P]) runCreate(a *app, _ []string) int {
	acct, p, code := k.prepare(a)
	if code >= 0 {
		return code
	}
	return a.objectCall("", nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		// A peer create can return the peer with an error: it exists, with
		// only part of its fields (the SDK's create quirk).
		v, err := k.api(c).Create(ctx, acct, p)
		return k.one(a, v), err
	})
}

func (k *objectKind[T, P]) runUpdate(a *app, args []string) int {
	acct, p, code := k.prepare(a)
	if code >= 0 {
		return code
	}
	if k.merge != nil {
		return a.objectCall(args[0], nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
			return k.mergedUpdate(ctx, a, c, acct, args[0], p)
		})
	}
	return a.objectCall(args[0], nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		v, err := k.api(c).Update(ctx, acct, args[0], p)
		return k.one(a, v), err
	})
}

// mergedUpdate is update for a kind with merge: GET the object, PUT it
// back with the given flags' fields replaced, and print it with each
// changed field as "old → new" (under -o json, the updated object).
func (k *objectKind[T, P]) mergedUpdate(ctx context.Context, a *app, c *secondarydns.Client, acct, id string, p P) (*output, error) {
	api := k.api(c)
	old, err := api.Get(ctx, acct, id)
	if errors.Is(err, errValidOnly) {
		// objectCall's check, which sends nothing: the ID passed the GET's
		// rules; check the flags as given (a field left out is empty,
		// which every field allows).
		if k.checkable != nil {
			p = k.checkable(a, p)
		}
		_, err = api.Update(ctx, acct, id, p)
	}
	if err != nil {
		return nil, err
	}
	v, err := api.Update(ctx, acct, id, k.merge(a, *old, p))
	out := k.one(a, v)
	if out != nil {
		was := k.view(a, *old)
		now := k.view(a, *v)
		out.text = func(w io.Writer) { changedView(was, now).writeText(w) }
	}
	return out, err
}

func (k *objectKind[T, P]) runDelete(a *app, args []string) int {
	acct, code := a.needAccount("")
	if code >= 0 {
		return code
	}
	ask := func(ctx context.Context, c *secondarydns.Client) int {
		conf := confirmation{question: fmt.Sprintf("Delete %s %s of account %s?", k.noun, args[0], acct),
			verb: "delete", noTerminal: "nothing was sent", stopped: "nothing was deleted"}
		if k.deleteWarning == nil || (!a.yes && !a.stdinTTY) {
			// Without a terminal or --yes it refuses before any request.
			return a.confirm(conf)
		}
		warning, err := k.deleteWarning(ctx, c, acct, args[0])
		if err != nil {
			return a.objectError(args[0], nil, fmt.Errorf("checking what uses the %s first: %w; nothing was deleted", k.noun, err))
		}
		if warning != "" {
			conf.question = warning + ".\n" + conf.question
			if a.yes {
				fmt.Fprintf(a.stderr, "secondarydns %s: warning: %s\n", a.cmd.name, warning)
			}
		}
		return a.confirm(conf)
	}
	return a.objectCall(args[0], ask, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		id, err := k.api(c).Delete(ctx, acct, args[0])
		if err != nil {
			return nil, err
		}
		if id == "" {
			id = args[0]
		}
		return deletedOutput(k.noun, id), nil
	})
}

// one is the output of get, create and update: nil without an object.
func (k *objectKind[T, P]) one(a *app, v *T) *output {
	if v == nil {
		return nil
	}
	view := k.view(a, *v)
	return &output{id: view.id, json: view.json, text: view.writeText}
}

// output is what a command prints on success: json under -o json, else
// text. id is the object's, for the error document when an object came
// back with an error.
type output struct {
	id   string
	json any
	text func(w io.Writer)
}

// objectCall checks call with the SDK's own rules (an ErrInvalidInput is
// exit 2 and nothing is sent), opens the client, asks ask (delete's
// confirmation; nil for none), runs call and prints its output or error.
// id names the object the command is about ("" for list and create).
func (a *app) objectCall(id string, ask func(context.Context, *secondarydns.Client) int, call func(context.Context, *secondarydns.Client) (*output, error)) int {
	v, err := newValidator()
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	if _, err := call(context.Background(), v.c); errors.Is(err, secondarydns.ErrInvalidInput) {
		return a.inputError(flagWords(a.scrub(err.Error())))
	}
	a.scrubLog()
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	if ask != nil {
		if code := ask(ctx, c); code >= 0 {
			return code
		}
	}
	out, err := call(ctx, c)
	if err != nil {
		return a.objectError(id, out, err)
	}
	if a.json() {
		writeJSON(a.stdout, out.json)
	} else {
		out.text(a.stdout)
	}
	if a.interrupted() {
		return exitInterrupted
	}
	return exitOK
}

// flagWords names the command's flags where the SDK's hints name its
// fields.
func flagWords(msg string) string {
	msg = setIPPort.ReplaceAllString(msg, "use --ip $1 --port $2")
	return sdkWords.Replace(msg)
}

var sdkWords = strings.NewReplacer(
	"and the port in Port", "and the port in --port",
	"(TSIGsService.List lists them)", "('secondarydns tsigs list' lists them)",
	"(is the secret in Algo?)", "(is the secret in --algo? A secret never comes from a flag)",
)

var setIPPort = regexp.MustCompile(`set IP to (\S+) and Port to (\d+)`)

// objectError reports a failed request: {"id","error"} under -o json (id
// left out when there is none), a line and a hint on stderr.
func (a *app) objectError(id string, out *output, err error) int {
	if errors.Is(err, secondarydns.ErrInvalidInput) {
		return a.inputError(flagWords(a.scrub(err.Error())))
	}
	if out != nil && out.id != "" {
		id = out.id
	}
	jerr := errorJSON(err)
	jerr.Message = a.scrub(jerr.Message)
	if a.cutByTimeout(err) {
		jerr.Message = a.scrub(a.cutLine(err, id)) // one line, not "context deadline exceeded"
	}
	if a.json() {
		writeJSON(a.stdout, struct {
			ID    string     `json:"id,omitempty"`
			Error *jsonError `json:"error"`
		}{id, jerr})
	}
	fmt.Fprintf(a.stderr, "secondarydns %s: %s\n", a.cmd.name, unprefixed(jerr.Message))
	hint := objectHint(a.cmd.name, err)
	if group, ok := strings.CutSuffix(a.cmd.name, " create"); ok && out != nil && out.id != "" {
		// The object exists, with only part of what was asked.
		hint = fmt.Sprintf("hint: it exists as %s: 'secondarydns %s update %s …' with every flag sets the rest, 'secondarydns %s delete %s' removes it", out.id, group, out.id, group, out.id)
	}
	if hint != "" {
		fmt.Fprintln(a.stderr, hint)
	}
	if a.interrupted() {
		return exitInterrupted
	}
	return exitFailed
}

// objectHint says what to do next about some errors.
func objectHint(cmd string, err error) string {
	group, sub, _ := strings.Cut(cmd, " ")
	switch {
	case errors.Is(err, secondarydns.ErrUnknownID):
		if sub == "list" || sub == "create" {
			return "hint: the API does not know the account ID; check --account or " + envAccountID
		}
		return "hint: the API does not know the account ID or the object's ID; check --account or " + envAccountID + ", and 'secondarydns " + group + " list'"
	case errors.Is(err, secondarydns.ErrNotFound):
		return "hint: no such object in this account; 'secondarydns " + group + " list' lists them"
	case errors.Is(err, secondarydns.ErrUnauthorized), errors.Is(err, secondarydns.ErrForbidden):
		return "hint: check CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY), the token's permissions on the account, and the account ID"
	}
	return errorHint(cmd, err)
}

// scrub takes the secret this run sends out of msg.
func (a *app) scrub(msg string) string {
	if a.obj.secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, a.obj.secret, redacted)
}

// scrubLog makes the --verbose log scrub the secret too. The SDK already
// keeps it out of its log; this holds even if an echo slipped through.
func (a *app) scrubLog() {
	if a.log == nil || a.obj.secret == "" {
		return
	}
	a.log = slog.New(slog.NewTextHandler(scrubWriter{a.stderr, a.obj.secret}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// scrubWriter writes through w with secret replaced; each log record is
// one Write.
type scrubWriter struct {
	w      io.Writer
	secret string
}

func (s scrubWriter) Write(p []byte) (int, error) {
	_, err := io.WriteString(s.w, strings.ReplaceAll(string(p), s.secret, redacted))
	return len(p), err
}

// secretUsage checks that exactly one of --secret-file and --generate is
// given.
func (a *app) secretUsage() string {
	switch {
	case a.obj.secretFile != "" && a.obj.generate:
		return "give --secret-file FILE or --generate, not both"
	case a.obj.secretFile == "" && !a.obj.generate:
		return "give --secret-file FILE (- for standard input) or --generate: a secret never comes from a flag"
	}
	return ""
}

// readSecret reads --secret-file ("-": standard input, under --timeout and
// SIGINT/SIGTERM) or makes one with --generate. It returns -1 to go on, or
// the exit code to stop with.
func (a *app) readSecret() int {
	if a.obj.generate {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return a.failure(exitFailed, "--generate: "+err.Error())
		}
		a.obj.secret, a.obj.generated = base64.StdEncoding.EncodeToString(b), true
		return -1
	}
	data, name, err := a.readInput(a.obj.secretFile)
	if err != nil {
		var se *stopError
		if !errors.As(err, &se) {
			err = fmt.Errorf("--secret-file: %w", err)
		}
		return a.inputFailed(err)
	}
	s := strings.TrimSuffix(string(data), "\n")
	if len(s) < len(data) {
		s = strings.TrimSuffix(s, "\r")
	}
	if s == "" {
		return a.inputError("--secret-file: " + name + " is empty; it should hold the base64 secret")
	}
	a.obj.secret = s
	return -1
}

// The three kinds.

var peerKind = &objectKind[secondarydns.Peer, secondarydns.PeerParams]{
	noun: "peer", nouns: "peers", plural: "peers", idArg: "PEER_ID", exampleID: "23ff594956f20c2a721606e94745a8aa",
	about: `Peers are the account's secondary nameservers: Cloudflare sends them NOTIFY (to
--ip, at --port) and lets them transfer the zones that list them ('create' and
'update' of a zone, or "peers" in a desired-state file).`,
	api:        func(c *secondarydns.Client) objectAPI[secondarydns.Peer, secondarydns.PeerParams] { return c.Peers },
	writeArgs:  "--name NAME [--ip IP] [--port N] [--ixfr] [--tsig TSIG_ID]",
	updateArgs: "[--name NAME] [--ip IP] [--port N] [--ixfr] [--tsig TSIG_ID]",
	writeFlags: func(a *app, fs *flag.FlagSet) {
		a.obj.set = fs
		fs.StringVar(&a.obj.name, "name", "", "the peer's `NAME` (required by create; update keeps it when left out)")
		fs.StringVar(&a.obj.ip, "ip", "", "the `IP` address NOTIFY is sent to (IPv4 or IPv6, no port)")
		fs.IntVar(&a.obj.port, "port", 0, "the NOTIFY port `N` (default none: DNS's 53)")
		fs.BoolVar(&a.obj.ixfr, "ixfr", false, "enable IXFR (used only for secondary zones)")
		fs.StringVar(&a.obj.tsig, "tsig", "", "the `TSIG_ID` of the TSIG key that signs transfers ('tsigs list')")
	},
	writeExample: "--name ns1 --ip 192.0.2.53 --port 53",
	check: func(a *app) string {
		if a.cmd.name != "peers update" {
			if a.obj.name == "" {
				return "--name is required"
			}
			return ""
		}
		// update keeps every field not given, so any one will do.
		for _, f := range []string{"name", "ip", "port", "ixfr", "tsig"} {
			if a.obj.given(f) {
				if f == "name" && a.obj.name == "" {
					return "--name \"\": a peer needs a name; leave --name out to keep it"
				}
				return ""
			}
		}
		return "nothing to change: give at least one of --name, --ip, --port, --ixfr, --tsig"
	},
	params: func(a *app) (secondarydns.PeerParams, int) {
		return secondarydns.PeerParams{Name: a.obj.name, IP: a.obj.ip, Port: a.obj.port, IXFREnable: a.obj.ixfr, TSIGID: a.obj.tsig}, -1
	},
	checkable: func(a *app, p secondarydns.PeerParams) secondarydns.PeerParams {
		if !a.obj.given("name") {
			p.Name = "kept" // the read name, which the API already holds
		}
		return p
	},
	merge: func(a *app, old secondarydns.Peer, p secondarydns.PeerParams) secondarydns.PeerParams {
		if !a.obj.given("name") {
			p.Name = old.Name
		}
		if !a.obj.given("ip") {
			p.IP = old.IP
		}
		if !a.obj.given("port") {
			p.Port = old.Port
		}
		if !a.obj.given("ixfr") {
			p.IXFREnable = old.IXFREnable
		}
		if !a.obj.given("tsig") {
			p.TSIGID = old.TSIGID
		}
		return p
	},
	updateDetail: `Change a peer: read it (GET {path}/{id})
and send it back (PUT, same path) with the given flags' fields replaced;
every other field keeps its value. --ip "" removes the IP, --port 0 unsets
the port (DNS's 53), --ixfr=false turns IXFR off, --tsig "" removes the TSIG
key. It prints the peer with each changed field as "old → new" (-o json:
the updated peer).`,
	view: func(_ *app, p secondarydns.Peer) objectView {
		port := ""
		if p.Port != 0 {
			port = fmt.Sprint(p.Port)
		}
		return objectView{id: p.ID, json: p, fields: []viewField{
			{"id", p.ID}, {"name", p.Name}, {"ip", p.IP}, {"port", port}, {"ixfr", yesNo(p.IXFREnable)}, {"tsig", p.TSIGID},
		}}
	},
}

var tsigKind = &objectKind[secondarydns.TSIG, secondarydns.TSIGParams]{
	noun: "TSIG key", nouns: "TSIG keys", plural: "tsigs", idArg: "TSIG_ID", exampleID: "69cd1e104af3e6ed3cb344f263fd0d5a",
	about: `TSIG keys sign the transfers between Cloudflare and a peer ('peers create
--tsig TSIG_ID'). A secret never comes from a flag: 'create' and 'update' read it
from --secret-file FILE (- for standard input; one trailing newline is trimmed)
or make one with --generate (32 random bytes, base64, printed once so it can be
given to the secondary). Secrets print as [redacted], JSON included, unless
list and get are given --show-secrets or --show-secret.`,
	api:       func(c *secondarydns.Client) objectAPI[secondarydns.TSIG, secondarydns.TSIGParams] { return c.TSIGs },
	writeArgs: "--name NAME --algo ALGO (--secret-file FILE | --generate)",
	writeFlags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.obj.name, "name", "", "the key's `NAME`, a domain name such as tsig.example.com. (required)")
		fs.StringVar(&a.obj.algo, "algo", "", "the algorithm `ALGO`: hmac-sha256., hmac-sha384., hmac-sha512., hmac-sha1. or hmac-md5.sig-alg.reg.int. (required)")
		fs.StringVar(&a.obj.secretFile, "secret-file", "", "read the base64 secret from `FILE`; - reads standard input")
		fs.BoolVar(&a.obj.generate, "generate", false, "generate a secret (32 random bytes, base64) and print it once")
	},
	writeExample: "--name tsig.example.com. --algo hmac-sha256. --generate",
	writeDetail: `
The secret comes from --secret-file FILE (- for standard input) or --generate,
never from a flag. A generated secret is printed once: in text as the last line
of the output, under -o json as "secret"; give it to the secondary.`,
	check: func(a *app) string {
		switch {
		case a.obj.name == "":
			return "--name is required"
		case a.obj.algo == "":
			return "--algo is required, e.g. --algo " + secondarydns.TSIGHMACSHA256
		}
		return a.secretUsage()
	},
	params: func(a *app) (secondarydns.TSIGParams, int) {
		if code := a.readSecret(); code >= 0 {
			return secondarydns.TSIGParams{}, code
		}
		return secondarydns.TSIGParams{Name: a.obj.name, Algo: a.obj.algo, Secret: a.obj.secret}, -1
	},
	showSecret: func(a *app, fs *flag.FlagSet, plural bool) {
		if plural {
			fs.BoolVar(&a.obj.showSecret, "show-secrets", false, "print the secrets instead of [redacted]")
		} else {
			fs.BoolVar(&a.obj.showSecret, "show-secret", false, "print the secret instead of [redacted]")
		}
	},
	view:          tsigView,
	deleteWarning: tsigUsers,
	deleteDetail: `
Before that it lists the account's peers (GET /accounts/{account_id}/secondary_dns/peers)
and names those that use the key, whose transfers would fail: in the question,
or on stderr under --yes.`,
}

// tsigUsers lists the account's peers (one request) and names those that
// sign their transfers with TSIG key id: deleting it breaks them. A zone
// names its peers by ID, so which zones a peer delete would break is not
// checked: that would read every zone.
func tsigUsers(ctx context.Context, c *secondarydns.Client, acct, id string) (string, error) {
	peers, err := c.Peers.List(ctx, acct)
	if err != nil {
		return "", err
	}
	const most = 5 // named; the rest counted
	var names []string
	for _, p := range peers {
		if p.TSIGID == id {
			names = append(names, fmt.Sprintf("%s (%s)", p.Name, p.ID))
		}
	}
	switch n := len(names); {
	case n == 0:
		return "", nil
	case n == 1:
		return "peer " + names[0] + " uses this key; its transfers will fail", nil
	case n > most:
		names = append(names[:most], fmt.Sprintf("%d more", n-most))
	}
	return "peers " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " use this key; their transfers will fail", nil
}

var aclKind = &objectKind[secondarydns.ACL, secondarydns.ACLParams]{
	noun: "ACL", nouns: "ACLs", plural: "acls", idArg: "ACL_ID", exampleID: "5d1b4d9e8a2b4f0c9e3a7b6c5d4e3f21",
	about: `ACLs are address ranges allowed to transfer the account's zones besides their
peers.`,
	api:       func(c *secondarydns.Client) objectAPI[secondarydns.ACL, secondarydns.ACLParams] { return c.ACLs },
	writeArgs: "--name NAME --ip-range CIDR",
	writeFlags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.obj.name, "name", "", "the ACL's `NAME` (required)")
		fs.StringVar(&a.obj.ipRange, "ip-range", "", "the `CIDR` prefix allowed to transfer, e.g. 192.0.2.0/24 (required)")
	},
	writeExample: "--name ns1-xfr --ip-range 192.0.2.0/24",
	check: func(a *app) string {
		switch {
		case a.obj.name == "":
			return "--name is required"
		case a.obj.ipRange == "":
			return "--ip-range is required, e.g. --ip-range 192.0.2.0/24"
		}
		return ""
	},
	params: func(a *app) (secondarydns.ACLParams, int) {
		return secondarydns.ACLParams{Name: a.obj.name, IPRange: a.obj.ipRange}, -1
	},
	view: func(_ *app, acl secondarydns.ACL) objectView {
		return objectView{id: acl.ID, json: acl, fields: []viewField{{"id", acl.ID}, {"name", acl.Name}, {"ip range", acl.IPRange}}}
	},
}

var (
	cmdPeers = peerKind.group()
	cmdTSIGs = tsigKind.group()
	cmdACLs  = aclKind.group()
)

// redacted stands for a secret in every output that does not show it.
const redacted = "[redacted]"

// tsigJSON is a TSIG as printed: the API's field names, the secret
// redacted unless shown.
type tsigJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Algo   string `json:"algo"`
	Secret string `json:"secret"`
}

func tsigView(a *app, t secondarydns.TSIG) objectView {
	j := tsigJSON{ID: t.ID, Name: t.Name, Algo: t.Algo, Secret: redacted}
	v := objectView{id: t.ID}
	switch {
	case a.obj.generated:
		// Printed once: the secret this run made and sent.
		j.Secret = a.obj.secret
		v.after = a.obj.secret
		v.fields = []viewField{{"secret", "(generated; on the next line, shown only this once)"}}
	case a.obj.showSecret:
		j.Secret = t.Secret
	}
	if len(v.fields) == 0 {
		v.fields = []viewField{{"secret", j.Secret}}
	}
	v.json = j
	v.fields = append([]viewField{{"id", t.ID}, {"name", t.Name}, {"algo", t.Algo}}, v.fields...)
	return v
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
