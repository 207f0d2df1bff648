package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// checkOut checks plan --out's target before anything is read or sent: it
// must be a regular file or a path that does not exist yet, in a directory
// that can be written, and not the desired-state file given to -f. The plan
// replaces the file at the path whole (see writeAtomic), so anything else
// (/dev/null, /dev/stdout, a directory, a symbolic link) would be replaced
// by a file, or fail only after every zone was read. "-" is refused: the
// plan on standard output is -o json, and a saved plan is a file.
func checkOut(path, input string) error {
	if path == "-" {
		return errors.New(`--out -: a saved plan is written to a file, not to standard output; give a file's path (-o json writes the plan on standard output)`)
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir := filepath.Dir(path)
		di, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("--out %s: its directory cannot be used: %w", path, unwrapPath(err))
		}
		if !di.IsDir() {
			return fmt.Errorf("--out %s: %s is not a directory", path, dir)
		}
	case err != nil:
		return fmt.Errorf("--out %s: %w", path, unwrapPath(err))
	default:
		if why := notRegular(fi); why != "" {
			return fmt.Errorf("--out %s: %s; --out replaces the file at the path, so give a regular file or a new path", path, why)
		}
		if input != "" && input != "-" {
			if in, err := os.Stat(input); err == nil && os.SameFile(in, fi) {
				return fmt.Errorf("--out %s: it is the desired-state file given to -f; give another path", path)
			}
		}
	}
	// The directory must take a new file: find out now, not after the reads.
	f, err := os.CreateTemp(filepath.Dir(path), ".secondarydns-plan-*")
	if err != nil {
		return fmt.Errorf("--out %s: cannot write in its directory: %w", path, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// notRegular says what fi is when it is not a regular file, "" when it is.
func notRegular(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return ""
	case m&fs.ModeSymlink != 0:
		return "it is a symbolic link"
	case m.IsDir():
		return "it is a directory"
	case m&fs.ModeDevice != 0:
		return "it is a device"
	case m&fs.ModeNamedPipe != 0:
		return "it is a FIFO"
	case m&fs.ModeSocket != 0:
		return "it is a socket"
	}
	return "it is not a regular file"
}

// unwrapPath is a *PathError's reason alone, as the message names the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syncFile flushes a file to the disk; tests replace it to see that it
// runs before the rename, and to make it fail.
var syncFile = (*os.File).Sync

// writeAtomic replaces the file at path with data, so that a crash, a full
// disk or an error leaves either the old file or the new one, never part of
// one: data goes to a temporary file in the same directory, is synced to the
// disk, and is renamed over path (then the directory is synced, so the
// rename lasts too). The temporary file is removed on every error. A file
// that is replaced keeps its permissions; a new one is 0600, as
// os.CreateTemp makes it. It returns the data's SHA-256, in hexadecimal.
func writeAtomic(path string, data []byte) (sum string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".secondarydns-plan-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	if err = syncFile(f); err != nil {
		return "", err
	}
	// Checked again just before the rename: the path may have become
	// something else while the zones were read.
	fi, statErr := os.Lstat(path)
	switch {
	case statErr == nil:
		if why := notRegular(fi); why != "" {
			return "", fmt.Errorf("%s: %s now; the plan was not written", path, why)
		}
		if err = f.Chmod(fi.Mode().Perm()); err != nil {
			return "", err
		}
	case !errors.Is(statErr, fs.ErrNotExist):
		return "", statErr
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	if err = os.Rename(tmp, path); err != nil {
		return "", err
	}
	syncDir(filepath.Dir(path))
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:]), nil
}

// syncDir makes a rename in dir last. Not every system can sync a
// directory; the rename has happened either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// savedFile is the plan file plan --out wrote, under -o json.
type savedFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// savedPlanJSON is plan's document with "plan_file" when --out wrote one.
type savedPlanJSON struct {
	jsonFleet
	PlanFile *savedFile `json:"plan_file,omitempty"`
}

// checkSum refuses a saved plan whose SHA-256 is not the one given to
// --checksum: the file is not the plan that was reviewed.
func (a *app) checkSum(name string, data []byte) error {
	if a.checksum == "" {
		return nil
	}
	h := sha256.Sum256(data)
	if sum := hex.EncodeToString(h[:]); !strings.EqualFold(sum, a.checksum) {
		return fmt.Errorf("%s: its SHA-256 is %s, not the %s given to --checksum: this is not the plan that was reviewed; nothing was sent", name, sum, strings.ToLower(a.checksum))
	}
	return nil
}

// checksumFlagError says what is wrong with --checksum, "" if nothing.
func (a *app) checksumFlagError() string {
	switch {
	case a.checksum == "":
		return ""
	case a.planFile == "":
		return "--checksum goes with --plan PLAN: it is the SHA-256 that 'plan --out' printed for that file"
	}
	if b, err := hex.DecodeString(a.checksum); err != nil || len(b) != sha256.Size {
		return fmt.Sprintf("--checksum %q: want the 64 hexadecimal digits of a SHA-256, as 'plan --out' prints them", clip(a.checksum))
	}
	return ""
}
