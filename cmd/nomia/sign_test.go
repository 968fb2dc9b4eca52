package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	orasremote "oras.land/oras-go/v2/registry/remote"

	"nomia.dev/nomia/registry"
	"nomia.dev/nomia/registry/registrytest"
	"nomia.dev/nomia/sign"
)

// TestSignedRun pushes with --sign and runs with --verify against a real
// registry: the signed package runs and prints its event; unsigned, wrong-key
// and tampered artifacts are refused with one line and a non-zero exit; after
// a verified pull it verifies and runs offline from the cache.
func TestSignedRun(t *testing.T) {
	c := newCLI(t)
	pkgPath, _ := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{})
	c.env = append(c.env, sign.PasswordEnv+"=test password")
	keys := t.TempDir()
	good, evil := filepath.Join(keys, "good"), filepath.Join(keys, "evil")
	c.must("key", "generate", "--output-key-prefix", good)
	c.must("key", "generate", "--output-key-prefix", evil)

	// A wrong password fails before anything is pushed.
	wrong := *c
	wrong.env = append(slices.Clone(c.env), sign.PasswordEnv+"=wrong")
	notPushed := srv.Host + "/tools/getppid:wrong-password"
	if _, errOut, ok := wrong.run("", "push", "-q", "--sign", good+".key", notPushed, pkgPath); ok || !strings.Contains(errOut, "wrong password") {
		t.Errorf("push --sign with a wrong password: ok %v, %q", ok, errOut)
	}
	if _, errOut, ok := c.run("", "pull", "-q", "--cache-dir", t.TempDir(), notPushed); ok || !strings.Contains(errOut, "not found") {
		t.Errorf("after a refused push --sign, pull: ok %v, %q; want not found", ok, errOut)
	}

	signedRef := srv.Host + "/tools/getppid:v1"
	signedPin := strings.TrimSpace(c.must("push", "-q", "--sign", good+".key", signedRef, pkgPath))
	unsignedRef := srv.Host + "/tools/unsigned:v1"
	c.must("push", "-q", unsignedRef, pkgPath)
	// Another artifact in the signed repository (a WASM module, so that its
	// digest differs), given a copy of the good signature.
	module := filepath.Join(t.TempDir(), "module.wasm")
	if err := os.WriteFile(module, []byte("\x00asm\x01\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	forgedRef := srv.Host + "/tools/getppid:forged"
	forgedPin := strings.TrimSpace(c.must("push", "-q", forgedRef, module))
	copySignature(t, signedPin, forgedPin)

	if pid := c.runEvent("--cache-dir", t.TempDir(), "--verify", good+".pub", signedRef); pid != os.Getpid() {
		t.Errorf("run --verify of the signed package: event pid %d, want %d", pid, os.Getpid())
	}
	for _, tc := range []struct{ name, key, ref, want string }{
		{"unsigned", good, unsignedRef, "is not signed"},
		{"wrong key", evil, signedRef, "signature does not match key"},
		{"signature copied from another artifact", good, forgedRef, "(tampered)"},
	} {
		if errOut := c.runRefused("--cache-dir", t.TempDir(), "--verify", tc.key+".pub", tc.ref); !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, errOut, tc.want)
		}
	}
	if errOut := c.runRefused("--verify", good+".pub", pkgPath); !strings.Contains(errOut, "signatures apply to OCI references") {
		t.Errorf("--verify with a file: %q", errOut)
	}

	c.must("pull", "-q", "--cache-dir", c.cacheDir, "--verify", good+".pub", signedRef)
	unverified := t.TempDir()
	c.must("pull", "-q", "--cache-dir", unverified, signedRef)
	srv.Stop()
	if pid := c.runEvent("--cache-dir", c.cacheDir, "--pull", "never", "--verify", good+".pub", signedRef); pid != os.Getpid() {
		t.Errorf("offline run --verify after a verified pull: event pid %d", pid)
	}
	if errOut := c.runRefused("--cache-dir", c.cacheDir, "--pull", "never", "--verify", evil+".pub", signedRef); !strings.Contains(errOut, "signature does not match key") {
		t.Errorf("offline, wrong key: %q", errOut)
	}
	if errOut := c.runRefused("--cache-dir", unverified, "--pull", "never", "--verify", good+".pub", signedRef); !strings.Contains(errOut, "no signature in the cache") {
		t.Errorf("offline, pulled without --verify: %q", errOut)
	}

	// The cached signature lists as one, and goes with its artifact.
	list := c.must("images", "--cache-dir", c.cacheDir)
	if !strings.Contains(list, ".sig") || !strings.Contains(list, "signature") || strings.Contains(list, "damaged") {
		t.Errorf("images after a verified pull:\n%s", list)
	}
	c.must("images", "--cache-dir", c.cacheDir, "rm", signedRef)
	if list := c.must("images", "--cache-dir", c.cacheDir); strings.Contains(list, ".sig") {
		t.Errorf("images rm left the signature behind:\n%s", list)
	}
}

// copySignature tags the cosign signature of the artifact from as the
// signature of the artifact to, in the same repository, as an attacker with
// push rights would to pass off to as signed.
func copySignature(t *testing.T, from, to string) {
	t.Helper()
	ctx := context.Background()
	fromRef, err := registry.ParseReference(from)
	if err != nil {
		t.Fatal(err)
	}
	toRef, err := registry.ParseReference(to)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := orasremote.NewRepository(fromRef.Registry + "/" + fromRef.Repository)
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	fromDigest, _ := fromRef.Digest()
	toDigest, _ := toRef.Digest()
	sig, err := repo.Resolve(ctx, sign.SignatureTag(fromDigest))
	if err != nil {
		t.Fatalf("push --sign stored no signature: %v", err)
	}
	if err := repo.Tag(ctx, sig, sign.SignatureTag(toDigest)); err != nil {
		t.Fatal(err)
	}
}

// runRefused runs `nomia run` with runner args ending in SOURCE, expecting a
// refusal: a non-zero exit with one line on stderr, which it returns. It runs
// in a private mount namespace like runEvent, in case it is not refused; the
// short --duration only bounds how long such a failing test takes (an
// accepted run exits 0 whenever it stops).
func (c *cli) runRefused(args ...string) string {
	c.t.Helper()
	args = append([]string{c.bin, "run", "--duration", "2s"}, args...)
	if unshare, err := exec.LookPath("unshare"); err == nil {
		args = append([]string{unshare, "-m", "--propagation", "private"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Count(string(out), "\n") != 1 {
		c.t.Errorf("nomia %s: exit %v, want a refusal on one line; output:\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestKeyGenerate writes a key pair that package sign loads, with the
// private key encrypted by $COSIGN_PASSWORD and readable by its owner only,
// and refuses to overwrite it.
func TestKeyGenerate(t *testing.T) {
	t.Setenv(sign.PasswordEnv, "s3cret")
	prefix := filepath.Join(t.TempDir(), "release")
	if err := execRoot("key", "generate", "--output-key-prefix", prefix); err != nil {
		t.Fatal(err)
	}
	priv, err := sign.ReadPrivateKeyFile(prefix+".key", []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sign.ReadPublicKeyFile(prefix + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if sign.KeyID(priv.Public()) != sign.KeyID(pub) {
		t.Errorf("the public key %s is not the private key's (%s)", sign.KeyID(pub), sign.KeyID(priv.Public()))
	}
	if fi, err := os.Stat(prefix + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode: %v, %v; want 0600", fi.Mode(), err)
	}
	if _, err := sign.ReadPrivateKeyFile(prefix+".key", []byte("guess")); err == nil {
		t.Error("the private key opened with a wrong password")
	}
	err = execRoot("key", "generate", "--output-key-prefix", prefix)
	if err == nil || !strings.Contains(err.Error(), prefix+".key already exists") {
		t.Errorf("second generate over the same files: %v", err)
	}
}

// execRoot runs the CLI in this process with args.
func execRoot(args ...string) error {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&strings.Builder{})
	root.SetErr(&strings.Builder{})
	return root.Execute()
}
