package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/templates"
)

func newInitCmd() *cobra.Command {
	var opts templates.Options
	cmd := &cobra.Command{
		Use:   "init NAME",
		Short: "Start a new eBPF project from a template (NAME/NAME.bpf.c, header, README)",
		Long: `Write a ready project into a new directory NAME: the kernel program NAME.bpf.c,
the header with its event or map types, and a README that says how to build and
run it and what it prints. NAME must be a C identifier; an existing directory is
never overwritten.

Templates:
` + templateList(),
		Example: `  nomia init mytool
  nomia build mytool/mytool.bpf.c
  sudo nomia run mytool/package.json`,
		Args: oneSource("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			p, err := templates.Create(opts)
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			build, run := p.Commands()
			fmt.Fprintf(cmd.OutOrStdout(), "created %s from the %s template: %s\nnext, as root:\n  %s\n  %s\n",
				p.Dir, p.Template, strings.Join(p.Files, " "), build, run)
			return nil
		},
	}
	cmd.Flags().StringVarP(&opts.Template, "template", "t", templates.Default,
		"what to start from: "+strings.Join(templates.Names(), ", "))
	cmd.Flags().StringVar(&opts.Parent, "dir", ".", "the directory to create the project in")
	cmd.RegisterFlagCompletionFunc("template", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return templates.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// templateList is the --help table of templates, one per line.
func templateList() string {
	var b strings.Builder
	for _, name := range templates.Names() {
		fmt.Fprintf(&b, "  %-11s %s\n", name, templates.Describe(name))
	}
	return b.String()
}
