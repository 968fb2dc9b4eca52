package sign

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPasswordFromEnv(t *testing.T) {
	t.Setenv(PasswordEnv, "")
	if pw, ok := PasswordFromEnv(); !ok || len(pw) != 0 {
		t.Errorf("set but empty: %q %v", pw, ok)
	}
	t.Setenv(PasswordEnv, "s3cret")
	if pw, ok := PasswordFromEnv(); !ok || string(pw) != "s3cret" {
		t.Errorf("set: %q %v", pw, ok)
	}
	if pw, err := ReadPassword(os.Stdin, nil, true); err != nil || string(pw) != "s3cret" {
		t.Errorf("ReadPassword with %s set: %q %v", PasswordEnv, pw, err)
	}
}

func TestReadPasswordWithoutTerminal(t *testing.T) {
	unsetPasswordEnv(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := ReadPassword(r, nil, false); err == nil || !strings.Contains(err.Error(), "set "+PasswordEnv) {
		t.Errorf("a pipe instead of a terminal: %v", err)
	}
}

// TestReadPasswordFromTerminal types on a pseudo-terminal, as a user would.
func TestReadPasswordFromTerminal(t *testing.T) {
	unsetPasswordEnv(t)
	cases := []struct {
		typed   string
		confirm bool
		want    string
		wantErr string
	}{
		{"hunter2\n", false, "hunter2", ""},
		{"hunter2\nhunter2\n", true, "hunter2", ""},
		{"hunter2\nhunter3\n", true, "", "the two passwords differ"},
	}
	for _, c := range cases {
		master, tty := openPTY(t)
		if _, err := master.WriteString(c.typed); err != nil {
			t.Fatal(err)
		}
		var prompts bytes.Buffer
		pw, err := ReadPassword(tty, &prompts, c.confirm)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%q: %v, want %q", c.typed, err, c.wantErr)
			}
		} else if err != nil || string(pw) != c.want {
			t.Errorf("%q: %q, %v; want %q", c.typed, pw, err, c.want)
		}
		if !strings.HasPrefix(prompts.String(), "Enter password for private key: ") {
			t.Errorf("prompt %q", prompts.String())
		}
		// Echo is back on afterwards.
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil || tio.Lflag&unix.ECHO == 0 {
			t.Errorf("terminal echo not restored: %v", err)
		}
	}
}

func unsetPasswordEnv(t *testing.T) {
	t.Setenv(PasswordEnv, "") // restores the caller's value at cleanup
	os.Unsetenv(PasswordEnv)
}

// openPTY opens a pseudo-terminal pair, closed at cleanup.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here (/dev/ptmx: %v)", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}
