package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestPlanOutTarget: --out is checked before anything is read or sent. A
// device, a directory, a symbolic link (/dev/stdout is one), the -f file
// itself, "-" and a path in a missing directory are exit 2 with one line,
// nothing sent, and the target left as it was.
func TestPlanOutTarget(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	dir := t.TempDir()
	f := filepath.Join(dir, "zones.json")
	require.NoError(t, os.WriteFile(f, []byte(fleetFile), 0o600))
	target := filepath.Join(dir, "target.json")
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o600))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(target, link))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o700))

	const tail = "; --out replaces the file at the path, so give a regular file or a new path; nothing was sent\n"
	for _, tc := range []struct {
		out, want string
	}{
		{os.DevNull, "secondarydns plan: --out /dev/null: it is a device" + tail},
		{sub, "secondarydns plan: --out " + sub + ": it is a directory" + tail},
		{link, "secondarydns plan: --out " + link + ": it is a symbolic link" + tail},
		{"/dev/stdout", "secondarydns plan: --out /dev/stdout: it is a symbolic link" + tail},
		{f, "secondarydns plan: --out " + f + ": it is the desired-state file given to -f; give another path; nothing was sent\n"},
		{"-", "secondarydns plan: --out -: a saved plan is written to a file, not to standard output; give a file's path (-o json writes the plan on standard output); nothing was sent\n"},
		{filepath.Join(dir, "missing", "plan.json"), "secondarydns plan: --out " + filepath.Join(dir, "missing", "plan.json") + ": its directory cannot be used: no such file or directory; nothing was sent\n"},
	} {
		if _, err := os.Lstat(tc.out); tc.out == "/dev/stdout" && err != nil {
			continue
		}
		r := cli(t, srv, "plan", "-f", f, "--out", tc.out)
		assert.Equal(t, exitUsage, r.code, tc.out)
		assert.Equal(t, tc.want, r.stderr, tc.out)
		assert.Empty(t, r.stdout, tc.out)
		rj := cli(t, srv, "plan", "-f", f, "--out", tc.out, "-o", "json")
		assert.Equal(t, exitUsage, rj.code, tc.out)
		var doc struct{ Error struct{ Message string } }
		require.NoError(t, json.Unmarshal([]byte(rj.stdout), &doc), rj.stdout)
		assert.Equal(t, strings.TrimPrefix(strings.TrimSuffix(tc.want, "\n"), "secondarydns plan: "), doc.Error.Message)
	}
	// Standard input is not read either: the refusal comes first.
	r := invoke(t, invocation{args: []string{"plan", "-f", "-", "--out", sub}, env: fakeEnv(srv), stdinR: blockedStdin(t)})
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, srv.Requests(), "nothing sent")

	fi, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeCharDevice, "/dev/null is still a device")
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(got), "the link's target is untouched")
	fi, err = os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link is still a link")
	got, err = os.ReadFile(f)
	require.NoError(t, err)
	assert.Equal(t, fleetFile, string(got), "the desired-state file is untouched")
	assert.Equal(t, []string{"link.json", "sub", "target.json", "zones.json"}, dirNames(t, dir), "no temporary file left")
}

// planOutFixture is a fake holding seedFleet, fleetFile's desired state in
// f, and an old plan at out (0644, "old plan") alone in dir.
func planOutFixture(t *testing.T) (srv *secondarydnstest.Server, f, dir, out string) {
	t.Helper()
	srv = newFake(t)
	seedFleet(srv)
	dir = t.TempDir()
	f = writeFile(t, "zones.json", fleetFile)
	out = filepath.Join(dir, "plan.json")
	require.NoError(t, os.WriteFile(out, []byte("old plan"), 0o644))
	return srv, f, dir, out
}

// TestPlanOutAtomic: the plan goes to a temporary file in the same
// directory and is renamed over --out, which keeps the permissions of the
// file it replaces; plan prints the file's SHA-256 (text and JSON); when the
// write fails, or the plan is not written, no temporary file is left and the
// old plan stays.
func TestPlanOutAtomic(t *testing.T) {
	srv, f, dir, out := planOutFixture(t)

	r := cli(t, srv, "plan", "-f", f, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	assert.Contains(t, r.stderr, "plan saved to "+out+" (SHA-256 "+hexSum+"); run 'secondarydns apply --plan "+out+" --checksum "+hexSum+"' to apply it\n")
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "the replaced file's permissions are kept")
	assert.Equal(t, []string{"plan.json"}, dirNames(t, dir))

	r = cli(t, srv, "plan", "-f", f, "--out", out, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var doc struct {
		Summary  jsonSummary
		PlanFile struct{ Path, SHA256 string } `json:"plan_file"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.Equal(t, out, doc.PlanFile.Path)
	assert.Equal(t, hexSum, doc.PlanFile.SHA256, "the same plan, the same hash")
	assert.Equal(t, 3, doc.Summary.Changed)
	r = cli(t, srv, "plan", "-f", f, "-o", "json")
	assert.NotContains(t, r.stdout, "plan_file", "only with --out")

	// The path turns into a directory while the zones are read: the
	// write fails (exit 1), and the temporary file is removed.
	w := newWatch(t, srv, 100*time.Millisecond)
	out2 := filepath.Join(dir, "later.json")
	go func() {
		for w.count() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		_ = os.Mkdir(out2, 0o700)
	}()
	r = invoke(t, invocation{args: []string{"plan", "-f", f, "--out", out2}, env: w.env()})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "secondarydns plan: saving the plan: "+out2+": it is a directory now; the plan was not written\n")
	assert.Equal(t, []string{"later.json", "plan.json"}, dirNames(t, dir), "no temporary file left")

	// A zone that cannot be planned: nothing written, the old plan stays.
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "get", Status: 403})
	r = cli(t, srv, "plan", "-f", f, "--out", out)
	assert.Equal(t, exitFailed, r.code)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, []string{"later.json", "plan.json"}, dirNames(t, dir))
}

// TestPlanOutSyncs: the plan is synced to the disk before it replaces the
// old one (at the sync, the temporary file holds the whole plan and the
// path still the old plan); a sync that fails (a full disk, an I/O error)
// is exit 1, the old plan stays and no temporary file is left.
func TestPlanOutSyncs(t *testing.T) {
	srv, f, dir, out := planOutFixture(t)

	var synced []string
	syncFile = func(file *os.File) error {
		tmp, err := os.ReadFile(file.Name())
		require.NoError(t, err)
		old, err := os.ReadFile(out)
		require.NoError(t, err)
		synced = append(synced, string(old)+" | "+string(tmp[:min(len(tmp), 1)]))
		assert.True(t, json.Valid(tmp), "the whole plan is written before the sync")
		return file.Sync()
	}
	t.Cleanup(func() { syncFile = (*os.File).Sync })
	r := cli(t, srv, "plan", "-f", f, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"old plan | {"}, synced, "one sync, while the path still held the old plan")

	require.NoError(t, os.WriteFile(out, []byte("old plan"), 0o644))
	syncFile = func(*os.File) error { return syscall.EIO }
	r = cli(t, srv, "plan", "-f", f, "--out", out)
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "secondarydns plan: saving the plan: ")
	assert.Contains(t, r.stderr, "input/output error")
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "old plan", string(got), "the old plan stays")
	assert.Equal(t, []string{"plan.json"}, dirNames(t, dir), "no temporary file left")
}

// TestChecksum: apply --plan --checksum runs a plan only if the file's
// SHA-256 is the one plan --out printed (any case); a file that differs by
// one byte, a malformed checksum, or --checksum without --plan is exit 2
// with nothing sent.
func TestChecksum(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", safeFile)
	out := filepath.Join(t.TempDir(), "plan.json")
	r := cli(t, srv, "plan", "-f", f, "--out", out, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var doc struct {
		PlanFile struct{ SHA256 string } `json:"plan_file"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	sum := doc.PlanFile.SHA256
	require.Len(t, sum, 64)

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	edited := filepath.Join(t.TempDir(), "edited.json")
	require.NoError(t, os.WriteFile(edited, append(data, ' '), 0o600))
	h := sha256.Sum256(append(data, ' '))
	editedSum := hex.EncodeToString(h[:])

	srv.ResetRequests()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"apply", "--plan", edited, "--yes", "--checksum", sum}, "secondarydns apply: " + edited + ": its SHA-256 is " + editedSum + ", not the " + sum + " given to --checksum: this is not the plan that was reviewed; nothing was sent\n"},
		{[]string{"apply", "--plan", out, "--yes", "--checksum", "abc"}, `secondarydns apply: --checksum "abc": want the 64 hexadecimal digits of a SHA-256, as 'plan --out' prints them (see 'secondarydns apply --help')` + "\n"},
		{[]string{"apply", "-f", f, "--yes", "--checksum", sum}, "secondarydns apply: --checksum goes with --plan PLAN: it is the SHA-256 that 'plan --out' printed for that file (see 'secondarydns apply --help')\n"},
	} {
		r := cli(t, srv, tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Equal(t, tc.want, r.stderr, tc.args)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")

	r = cli(t, srv, "apply", "--plan", out, "--yes", "--checksum", strings.ToUpper(sum))
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "2 changed, 0 failed, 1 in sync\n")
}

// TestSavedPlanExact: the saved-plan reader takes each field once and in
// the case written: a duplicate field (which encoding/json would resolve by
// keeping the last: appending "zones": [] to a plan once made it "0
// changed"), a field in another case, and a number out of range are exit 2
// naming the line and field, nothing sent.
func TestSavedPlanExact(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	good := `{"format": "secondarydns-plan", "version": 1, "zones": [
  {"zone_id": "` + zoneB + `", "want": {"name": "b.example.", "peers": []}, "read": {"configured": false}, "actions": ["create"]}
]}`
	for name, tc := range map[string]struct{ plan, want string }{
		"duplicate zones": {strings.Replace(good, "\n]}", "\n], \"zones\": []}", 1), `plan.json:3: zones: duplicate field; each field may appear once`},
		"wrong case":      {strings.Replace(good, `"zones"`, `"Zones"`, 1), `plan.json:1: Zones: field in the wrong case; want "zones"`},
		"nested case":     {strings.Replace(good, `"zone_id"`, `"Zone_ID"`, 1), `plan.json:2: zones[0].Zone_ID: field in the wrong case; want "zone_id"`},
		"nested dup":      {strings.Replace(good, `"peers": []}`, `"peers": [], "name": "evil.example."}`, 1), `plan.json:2: zones[0].want.name: duplicate field`},
		"number range":    {strings.Replace(good, `"version": 1`, `"version": 1e999`, 1), `plan.json:1: version: the number 1e999 is out of range`},
	} {
		p := writeFile(t, "plan.json", tc.plan)
		r := cli(t, srv, "apply", "--plan", p, "--yes")
		assert.Equal(t, exitUsage, r.code, name)
		assert.True(t, strings.HasPrefix(r.stderr, "secondarydns apply: "+filepath.Dir(p)+"/"+tc.want), "%s: %s", name, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), name)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
}

// dirNames is the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
