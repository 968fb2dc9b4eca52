package main

import (
	"crypto"
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/registry"
	"nomia.dev/nomia/sign"
	"nomia.dev/nomia/source"
)

// distFlags say where packages named by URL or OCI reference come from: the
// runner's --pull, --cache-dir, --insecure and -q, shared with push and pull.
type distFlags struct {
	pull     registry.PullPolicy
	cacheDir string
	insecure bool
	quiet    bool
	verify   publicKeyFlag
}

func (d *distFlags) register(fs *pflag.FlagSet) {
	d.registerTransport(fs)
	d.registerCache(fs)
	fs.Var(&d.pull, "pull", "when to fetch URL and OCI sources: always, missing (only what the cache lacks) or never (offline, cache only)")
	d.registerVerify(fs)
}

// registerVerify adds --verify, for the commands that fetch OCI artifacts.
func (d *distFlags) registerVerify(fs *pflag.FlagSet) {
	fs.Var(&d.verify, "verify", "refuse an OCI artifact unless its manifest digest is signed with the cosign public key in `FILE` (e.g. cosign.pub); offline (--pull never) it checks the signature an earlier verified pull cached")
}

// registerCache adds --cache-dir, for every command that uses the cache.
func (d *distFlags) registerCache(fs *pflag.FlagSet) {
	fs.StringVar(&d.cacheDir, "cache-dir", "", "cache of pulled packages (default $XDG_CACHE_HOME/nomia/store)")
}

// registerTransport adds the flags every command that talks to a registry has.
func (d *distFlags) registerTransport(fs *pflag.FlagSet) {
	fs.BoolVar(&d.insecure, "insecure", false, "allow plain HTTP to a registry that is not on loopback")
	fs.BoolVarP(&d.quiet, "quiet", "q", false, "no progress bars")
}

// options are source options for these flags and build settings.
func (d *distFlags) options(build compile.Options, stderr io.Writer) source.Options {
	return source.Options{
		Build:    build,
		Pull:     d.pull,
		CacheDir: d.cacheDir,
		Insecure: d.insecure,
		Progress: d.progress(stderr),
		Verify:   d.verify.key,
	}
}

func (d *distFlags) client(stderr io.Writer) *registry.Client {
	return &registry.Client{Insecure: d.insecure, Progress: d.progress(stderr)}
}

// progress is where progress bars go: stderr when it is a terminal and -q is
// not given; nowhere in pipes, logs and scripts.
func (d *distFlags) progress(stderr io.Writer) io.Writer {
	if d.quiet || !isTerminal(stderr) {
		return nil
	}
	return stderr
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// publicKeyFlag is a public key file given on the command line, read as the
// flag is parsed, so that a missing or malformed key fails before anything
// is fetched.
type publicKeyFlag struct {
	path string
	key  crypto.PublicKey
}

// Set reads and parses the key file at path.
func (f *publicKeyFlag) Set(path string) error {
	key, err := sign.ReadPublicKeyFile(path)
	if err != nil {
		return err
	}
	f.path, f.key = path, key
	return nil
}

// String is the key file's path, as given.
func (f *publicKeyFlag) String() string { return f.path }

// Type names the flag's value in help text.
func (f *publicKeyFlag) Type() string { return "pubkey" }
