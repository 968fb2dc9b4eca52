package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"nomia.dev/nomia/server/api"
)

// stateDir is where the daemon keeps what must survive a restart: the API
// token and one record per started program. Records hold the resolved package
// itself, so a restart never fetches a reference again.
type stateDir string

// record is a started program as stored in the state directory.
type record struct {
	Name    string          `json:"name"`
	Source  string          `json:"source,omitempty"`
	Args    []string        `json:"args,omitempty"`
	Options api.RunOptions  `json:"options,omitzero"`
	Paused  bool            `json:"paused,omitempty"`
	Package json.RawMessage `json:"package"`
}

func (d stateDir) programs() string { return filepath.Join(string(d), "programs") }

func (d stateDir) recordPath(name string) string {
	return filepath.Join(d.programs(), name+".json")
}

// init creates the directories, readable by the daemon's user only.
func (d stateDir) init() error {
	if err := os.MkdirAll(d.programs(), 0o700); err != nil {
		return fmt.Errorf("state dir %s: %v (give a writable --state-dir)", d, err)
	}
	return nil
}

// save writes rec atomically: a crash leaves the old record or the new one.
func (d stateDir) save(rec *record) error {
	if d == "" {
		return nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return writeAtomic(d.recordPath(rec.Name), b)
}

func (d stateDir) remove(name string) error {
	if d == "" {
		return nil
	}
	err := os.Remove(d.recordPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// load reads every stored record; unreadable ones come back as errors naming
// the file, and do not hide the others.
func (d stateDir) load() ([]*record, []error) {
	entries, err := os.ReadDir(d.programs())
	if err != nil {
		return nil, []error{fmt.Errorf("state dir %s: %v", d, err)}
	}
	var recs []*record
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(d.programs(), e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rec := new(record)
		if err := json.Unmarshal(b, rec); err != nil || rec.Name+".json" != e.Name() {
			errs = append(errs, fmt.Errorf("state record %s is damaged (%v): remove it", path, err))
			continue
		}
		recs = append(recs, rec)
	}
	return recs, errs
}

// token returns the API token stored in the directory, creating a random one
// (mode 0600) on first use.
func (d stateDir) token() (string, error) {
	path := filepath.Join(string(d), "token")
	b, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("token file %s: %v", path, err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	t := hex.EncodeToString(raw)
	if err := writeAtomic(path, []byte(t+"\n")); err != nil {
		return "", err
	}
	return t, nil
}

// writeAtomic replaces path with data through a temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
