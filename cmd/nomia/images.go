package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/spf13/cobra"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry"
)

func newImagesCmd() *cobra.Command {
	var df distFlags
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List the packages in the local cache (images rm REF… removes them)",
		Long: `List every reference the local cache holds: OCI references and URLs pulled by
nomia pull or nomia run, with what each resolved to. 'nomia images rm REF…' forgets
references and deletes the blobs nothing else needs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := cache.Open(df.cacheDir)
			if err != nil {
				return err
			}
			return listImages(cmd.Context(), cmd.OutOrStdout(), store)
		},
	}
	df.registerCache(cmd.PersistentFlags())
	cmd.AddCommand(&cobra.Command{
		Use:   "rm REF...",
		Short: "Remove references from the cache, and the blobs only they used",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("images rm: REF missing: usage: nomia images rm REF... (see: nomia images)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := cache.Open(df.cacheDir)
			if err != nil {
				return err
			}
			var freed int64
			for _, ref := range args {
				sigRef := signatureRef(cmd.Context(), store, ref)
				n, err := store.Remove(cmd.Context(), ref)
				if err != nil {
					return err
				}
				freed += n
				// The verified signature of what was removed goes with it.
				if sigRef != "" {
					if n, err := store.Remove(cmd.Context(), sigRef); err == nil {
						freed += n
					}
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nomia: removed %d reference(s), freed %d bytes\n", len(args), freed)
			return nil
		},
	})
	return cmd
}

// listImages prints one line per cached reference: what it is, its digest,
// size and title, read from the cache alone.
func listImages(ctx context.Context, w io.Writer, store *cache.Store) error {
	entries, err := store.Entries()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REFERENCE\tKIND\tDIGEST\tSIZE\tSTORED\tTITLE")
	for _, e := range entries {
		kind, layer, title := describe(ctx, store, e.Descriptor)
		if registry.IsSignatureRef(e.Ref) {
			kind, layer, title = "signature", e.Descriptor, ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", e.Ref, kind, shortDigest(e.Descriptor), layer.Size,
			e.Stored.Local().Format("2006-01-02 15:04"), title)
	}
	return tw.Flush()
}

// describe says what a cached descriptor holds: a manifest's layer and title,
// or (for a URL) the blob itself.
func describe(ctx context.Context, store *cache.Store, d ocispec.Descriptor) (kind string, layer ocispec.Descriptor, title string) {
	if d.MediaType == registry.MediaTypePackage || d.MediaType == registry.MediaTypeWASM {
		layer = d
	} else {
		a, err := registry.Inspect(ctx, store, d)
		if err != nil {
			return "damaged", d, ""
		}
		layer, title = a.Layer, a.Annotations[ocispec.AnnotationTitle]
	}
	if layer.MediaType == registry.MediaTypeWASM {
		return "wasm", layer, title
	}
	return "package", layer, title
}

// signatureRef is the cache reference under which `--verify` keeps the
// signature of what ref names, "" when ref is not a cached OCI reference.
func signatureRef(ctx context.Context, store *cache.Store, ref string) string {
	r, err := registry.ParseReference(ref)
	if err != nil {
		return ""
	}
	d, err := store.Resolve(ctx, ref)
	if err != nil {
		return ""
	}
	return registry.SignatureRef(r, d.Digest)
}

func shortDigest(d ocispec.Descriptor) string {
	return strings.TrimPrefix(d.Digest.String(), "sha256:")[:12]
}
