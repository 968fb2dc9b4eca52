package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/source"
)

// remoteFlags say which server `nomia remote` talks to.
type remoteFlags struct {
	server, token, tokenFile string
}

// client makes the API client: the token comes from --token, $NOMIA_TOKEN,
// or the token file the server wrote (readable when on the same machine as
// root).
func (rf *remoteFlags) client() (*client.Client, error) {
	token := rf.token
	if token == "" {
		b, err := os.ReadFile(rf.tokenFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remote: token file %s: %v (give --token or $NOMIA_TOKEN)", rf.tokenFile, err)
		}
		token = strings.TrimSpace(string(b))
	}
	return client.New(rf.server, token), nil
}

func newRemoteCmd() *cobra.Command {
	rf := &remoteFlags{}
	cmd := &cobra.Command{
		Use:   "remote COMMAND",
		Short: "Control programs on a `nomia serve` daemon",
		Long: `Start, list, inspect, stream and stop programs on a nomia server.

  nomia remote start package.json --name opens -- --targ_pid 42
  nomia remote ps
  nomia remote logs -f opens
  nomia remote stop opens

The server is --server or $NOMIA_SERVER; the token --token, $NOMIA_TOKEN, or
the server's token file (--token-file).`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&rf.server, "server", envOr("NOMIA_SERVER", client.DefaultServer), "server URL (default: $NOMIA_SERVER, else "+client.DefaultServer+")")
	pf.StringVar(&rf.token, "token", os.Getenv("NOMIA_TOKEN"), "bearer token (default: $NOMIA_TOKEN, else the token file)")
	pf.StringVar(&rf.tokenFile, "token-file", filepath.Join(defaultStateDir, "token"), "file holding the token, read when no token is given")
	cmd.AddCommand(newRemoteStartCmd(rf), newRemotePsCmd(rf), newRemoteInspectCmd(rf), newRemoteLogsCmd(rf),
		newRemoteMapsCmd(rf), newRemoteNameCmd(rf, "stop", "Stop a program: detach it and forget it"),
		newRemoteNameCmd(rf, "pause", "Pause a program's event delivery (events are counted, not kept)"),
		newRemoteNameCmd(rf, "resume", "Resume a paused program's event delivery"))
	return cmd
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// remoteRun wraps a remote subcommand: it makes the client and runs f until
// Ctrl-C.
func remoteRun(rf *remoteFlags, f func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := rf.client()
		if err != nil {
			return err
		}
		ctx, stop := signalContext(cmd.Context())
		defer stop()
		return f(ctx, c, cmd, args)
	}
}

func newRemoteStartCmd(rf *remoteFlags) *cobra.Command {
	var req api.StartRequest
	var ringSize byteSize
	cmd := &cobra.Command{
		Use:   "start SOURCE [--name NAME] [runner flags] [-- program flags]",
		Short: "Start a program on the server",
		Long: `Start a program on the server. A local package file, - or a .bpf.c source is
read (or built) here and uploaded; a URL or OCI reference is resolved by the
server. The program's own flags (its globals) follow --.`,
		Args: atLeastSource,
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			if dash := cmd.ArgsLenAtDash(); dash > 1 || dash < 0 && len(args) > 1 {
				return fmt.Errorf("start: one SOURCE, then -- and the program's flags (got %q before --)", args[1])
			}
			req.Args = args[1:]
			req.Options.RingBufSize = uint32(ringSize)
			if err := setSource(ctx, &req, args[0]); err != nil {
				return err
			}
			p, err := c.Start(ctx, req)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s started: %d program(s) attached\n", p.Name, len(p.Programs))
			return nil
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&req.Name, "name", "", "name of the program on the server (default: the package's object name)")
	fs.StringVar(&req.Options.Iface, "iface", "", "network interface for xdp, tc and socket programs")
	fs.StringVar(&req.Options.Cgroup, "cgroup", "", "cgroup v2 directory for cgroup programs")
	fs.IntVar(&req.Options.PID, "pid", 0, "uprobes: trace only this process")
	fs.StringVar(&req.Options.Binary, "binary", "", "uprobes: binary or library whose section names no path")
	fs.Uint64Var(&req.Options.Freq, "freq", 0, "perf_event programs: samples per second per CPU")
	fs.Var(&ringSize, "ringbuf-size", "least size of every ring buffer, a power of two (e.g. 16M)")
	fs.StringSliceVar(&req.Options.Skip, "skip", nil, skipUsage)
	fs.Var((*attachTargets)(&req.Options.Attach), "attach", attachUsage)
	return cmd
}

// setSource uploads what is local and lets the server resolve references.
func setSource(ctx context.Context, req *api.StartRequest, src string) error {
	switch source.Classify(src) {
	case source.URL, source.OCI:
		req.Source = src
		return nil
	}
	r, err := source.Resolve(ctx, src, source.Options{})
	if err != nil {
		return err
	}
	if r.Package == nil {
		return fmt.Errorf("start: %s is a WASM module; the server runs only eBPF packages for now", src)
	}
	req.Package, err = r.Package.Marshal()
	return err
}

func newRemotePsCmd(rf *remoteFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "ps",
		Short: "List the server's programs",
		Args:  cobra.NoArgs,
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			list, err := c.List(ctx)
			if err != nil {
				return err
			}
			printPrograms(cmd.OutOrStdout(), list)
			return nil
		}),
	}
}

// printPrograms writes one row per program: name, state, object, counters.
func printPrograms(w io.Writer, list []api.Program) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tOBJECT\tPROGRAMS\tEVENTS\tLOST\tUPTIME")
	for _, p := range list {
		var lost uint64
		for _, n := range p.Counters.Lost {
			lost += n
		}
		uptime := "-"
		if !p.Started.IsZero() {
			uptime = time.Since(p.Started).Round(time.Second).String()
		}
		state := string(p.State)
		if p.Error != "" {
			state += ": " + p.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", p.Name, state, p.Object, len(p.Programs), p.Counters.Events, lost, uptime)
	}
	tw.Flush()
}

func newRemoteInspectCmd(rf *remoteFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect NAME",
		Short: "Show a program as JSON: attach points, maps, counters",
		Args:  oneSource("NAME"),
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			p, err := c.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), p)
		}),
	}
}

func newRemoteNameCmd(rf *remoteFlags, verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  oneSource("NAME"),
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			var err error
			switch verb {
			case "stop":
				err = c.Stop(ctx, args[0])
			case "pause":
				_, err = c.Pause(ctx, args[0])
			default:
				_, err = c.Resume(ctx, args[0])
			}
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", args[0], pastTense(verb))
			}
			return err
		}),
	}
}

func pastTense(verb string) string {
	if verb == "stop" {
		return "stopped"
	}
	return verb + "d"
}

func newRemoteLogsCmd(rf *remoteFlags) *cobra.Command {
	var follow bool
	var after uint64
	cmd := &cobra.Command{
		Use:   "logs [-f] NAME",
		Short: "Print a program's events, one JSON object per line",
		Long: `Print the events the server holds for a program, one JSON object per line
({"seq":…,"time":…,"map":…,"data":{…}}), and with -f keep following,
reconnecting after the last event printed when the connection breaks.
--after SEQ resumes after an event already seen.`,
		Args: oneSource("NAME"),
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			notes := cmd.ErrOrStderr()
			err := c.Events(ctx, args[0], client.StreamOptions{
				After: after, NoFollow: !follow, Reconnect: follow,
				Gap: func(g api.Gap) {
					fmt.Fprintf(notes, "nomia: %d events dropped by the server's buffer before they could be sent\n", g.Missed)
				},
				Reconnecting: func(err error) {
					fmt.Fprintf(notes, "nomia: %v: reconnecting\n", err)
				},
			}, func(ev api.Event) error {
				b, err := json.Marshal(ev)
				if err != nil {
					return err
				}
				_, err = out.Write(append(b, '\n'))
				return err
			})
			if errors.Is(err, client.ErrProgramEnded) {
				fmt.Fprintf(cmd.ErrOrStderr(), "nomia: %s stopped\n", args[0])
				return nil
			}
			return err
		}),
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new events until Ctrl-C or the program stops")
	cmd.Flags().Uint64Var(&after, "after", 0, "start after the event with this seq")
	return cmd
}

func newRemoteMapsCmd(rf *remoteFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "maps NAME [MAP]",
		Short: "Print a program's maps (or one map) as JSON lines",
		Args:  cobra.RangeArgs(1, 2),
		RunE: remoteRun(rf, func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			var maps []api.MapEntries
			if len(args) == 2 {
				m, err := c.Map(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				maps = append(maps, *m)
			} else {
				snap, err := c.Maps(ctx, args[0])
				if err != nil {
					return err
				}
				maps = snap.Maps
			}
			for _, m := range maps {
				for _, e := range m.Entries {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\n", e)
				}
			}
			return nil
		}),
	}
}

// printJSON writes v indented.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
