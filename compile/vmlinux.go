package compile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DefaultBTF is the running kernel's BTF, the default source of vmlinux.h.
const DefaultBTF = "/sys/kernel/btf/vmlinux"

// VmlinuxHeader returns the path of a vmlinux.h generated from the BTF file
// btfPath ("" = DefaultBTF) by `bpftool btf dump file BTF format c`.
//
// Headers are cached under $XDG_CACHE_HOME/nomia/vmlinux/<key>/vmlinux.h
// (falling back to ~/.cache, then the temp directory), keyed by the SHA-256 of
// the BTF and of bpftool's version, because a newer bpftool writes more (kfunc
// prototypes) from the same BTF. The file is written to a temporary name and
// renamed, so concurrent builds never read a half-written header.
func VmlinuxHeader(ctx context.Context, bpftool, btfPath string) (string, error) {
	if btfPath == "" {
		btfPath = DefaultBTF
	}
	key, err := vmlinuxKey(ctx, bpftool, btfPath)
	if err != nil {
		return "", err
	}
	var lastErr error
	for _, root := range cacheRoots() {
		dir := filepath.Join(root, "nomia", "vmlinux", key)
		path := filepath.Join(dir, "vmlinux.h")
		if isFile(path) {
			return path, nil
		}
		if lastErr = writeVmlinux(ctx, bpftool, btfPath, dir, path); lastErr == nil {
			return path, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		// Another cache directory helps when this one is not writable, not
		// when bpftool cannot read the BTF.
		if _, ok := lastErr.(dumpError); ok {
			return "", lastErr
		}
	}
	return "", lastErr
}

// dumpError is a failure of `bpftool btf dump` itself.
type dumpError struct{ error }

func vmlinuxKey(ctx context.Context, bpftool, btfPath string) (string, error) {
	f, err := os.Open(btfPath)
	if err != nil {
		return "", fmt.Errorf("compile: cannot read BTF %s (%v): the kernel needs CONFIG_DEBUG_INFO_BTF, or pass a BTF file with --btf", btfPath, oneLine(err.Error()))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("compile: cannot read BTF %s (%v)", btfPath, oneLine(err.Error()))
	}
	version, err := exec.CommandContext(ctx, bpftool, "version").Output()
	if err != nil {
		return "", fmt.Errorf("compile: %s version failed (%v): reinstall bpftool (apt-get install bpftool)", bpftool, oneLine(err.Error()))
	}
	h.Write(version)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cacheRoots lists where vmlinux.h may be cached, best first.
func cacheRoots() []string {
	var roots []string
	// os.UserCacheDir honours $XDG_CACHE_HOME and falls back to ~/.cache.
	if dir, err := os.UserCacheDir(); err == nil {
		roots = append(roots, dir)
	}
	return append(roots, os.TempDir())
}

func writeVmlinux(ctx context.Context, bpftool, btfPath, dir, path string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("compile: cannot create the vmlinux.h cache %s (%v)", dir, oneLine(err.Error()))
	}
	tmp, err := os.CreateTemp(dir, "vmlinux.h.*.tmp")
	if err != nil {
		return fmt.Errorf("compile: cannot write to the vmlinux.h cache %s (%v)", dir, oneLine(err.Error()))
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	// CreateTemp makes the file private; the cache is shared like any header.
	_ = tmp.Chmod(0o644)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bpftool, "btf", "dump", "file", btfPath, "format", "c")
	cmd.Stdout, cmd.Stderr = tmp, &stderr
	runErr := cmd.Run()
	closeErr := tmp.Close()
	if runErr != nil {
		return dumpError{fmt.Errorf("compile: bpftool btf dump file %s failed (%s): is it a BTF file?", btfPath, oneLine(firstNonEmpty(stderr.String(), runErr.Error())))}
	}
	if closeErr != nil {
		return fmt.Errorf("compile: cannot write vmlinux.h in %s (%v)", dir, oneLine(closeErr.Error()))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("compile: cannot write vmlinux.h in %s (%v)", dir, oneLine(err.Error()))
	}
	return nil
}

// oneLine joins a multi-line message so that an error stays one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
