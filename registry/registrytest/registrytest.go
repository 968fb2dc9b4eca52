// Package registrytest starts a real OCI registry (Debian's docker-registry)
// on 127.0.0.1 for tests, with its own storage and, optionally, htpasswd
// authentication.
package registrytest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Binary is the registry program the tests start.
const Binary = "docker-registry"

// Server is a running registry.
type Server struct {
	// Host is 127.0.0.1:PORT, the registry part of references to it.
	Host string
	// Storage is the registry's storage root: blobs live under
	// docker/registry/v2/blobs/sha256/XX/HEX/data.
	Storage string

	cmd *exec.Cmd
}

// Options configure Start.
type Options struct {
	// User and Password, when set, turn on htpasswd authentication.
	User, Password string
}

// Start runs a registry for the rest of the test and stops it at cleanup. It
// skips the test when docker-registry is not installed.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		t.Skipf("%s not installed (apt-get install docker-registry): the registry tests need a real registry", Binary)
	}
	dir := t.TempDir()
	s := &Server{Host: freeAddr(t), Storage: filepath.Join(dir, "storage")}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", s.Storage, s.Host)
	if opts.User != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(opts.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(opts.User+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		config += fmt.Sprintf("auth:\n  htpasswd:\n    realm: nomia-test\n    path: %s\n", htpasswd)
	}
	configPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "registry.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve", configPath)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// A test binary killed by its timeout runs no cleanup: the registry must
	// not outlive it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", Binary, err)
	}
	t.Cleanup(func() {
		s.Stop()
		logFile.Close()
	})
	if err := s.waitReady(); err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("%s did not come up on %s: %v\n%s", Binary, s.Host, err, log)
	}
	return s
}

// Stop kills the registry; later requests to it fail. It is safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// freeAddr finds a free loopback port. The registry binds it right after;
// another process taking it in between makes Start fail loudly, not wrongly.
func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady polls /v2/ until the registry answers (401 counts: it is up).
func (s *Server) waitReady() error {
	var err error
	for range 200 {
		var resp *http.Response
		resp, err = http.Get("http://" + s.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if s.cmd.ProcessState != nil {
			return fmt.Errorf("exited")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// BlobPath is where the registry keeps the blob with this digest
// ("sha256:HEX"), for tests that damage it.
func (s *Server) BlobPath(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	return filepath.Join(s.Storage, "docker", "registry", "v2", "blobs", "sha256", hex[:2], hex, "data")
}

// CorruptBlob flips one byte of a stored blob behind the registry's back, as
// a damaged disk or a compromised storage backend would: the registry then
// serves content that does not match its digest.
func (s *Server) CorruptBlob(t testing.TB, digest string) {
	t.Helper()
	FlipByte(t, s.BlobPath(digest))
}

// FlipByte changes one byte in the middle of the file at path, for tests
// that damage stored content (a registry's blob, a cached one).
func FlipByte(t testing.TB, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		t.Fatalf("damaging %s: %v (%d bytes)", path, err, len(data))
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
