package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"

	"oras.land/oras-go/v2/content"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry"
)

// fetchURL downloads a package or WASM module, within a time and size limit,
// and keeps it in the cache under its URL, so that --pull missing and never
// run it again offline.
func fetchURL(ctx context.Context, raw string, opts Options) (*Resolved, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("source %s: not a URL (want http(s)://HOST/PATH)", raw)
	}
	// Credentials in a URL are for the request, never for the cache's keys
	// or for messages.
	safe := *u
	safe.User = nil
	key := safe.String()

	store, err := cache.Open(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	if opts.Pull != registry.PullAlways {
		if desc, err := store.Resolve(ctx, key); err == nil {
			if data, err := store.Bytes(ctx, desc); err == nil {
				return fromBytes(URL, key, data)
			}
		}
		if opts.Pull == registry.PullNever {
			return nil, fmt.Errorf("source %s: not in the cache %s and --pull never forbids downloading it (fetch it first: nomia pull %s)", key, store.Dir(), key)
		}
	}
	data, err := download(ctx, u, key, opts)
	if err != nil {
		return nil, err
	}
	r, err := fromBytes(URL, key, data)
	if err != nil {
		return nil, err
	}
	mediaType := registry.MediaTypePackage
	if r.IsWASM() {
		mediaType = registry.MediaTypeWASM
	}
	desc := content.NewDescriptorFromBytes(mediaType, data)
	if err := store.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("source %s: cache: %v", key, err)
	}
	if err := store.Tag(ctx, desc, key); err != nil {
		return nil, fmt.Errorf("source %s: cache: %v", key, err)
	}
	return r, nil
}

func download(ctx context.Context, u *url.URL, name string, opts Options) ([]byte, error) {
	timeout, limit := opts.URLTimeout, opts.MaxSize
	if timeout <= 0 {
		timeout = DefaultURLTimeout
	}
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("source %s: %v", name, err)
	}
	req.Header.Set("User-Agent", "nomia")
	hc := opts.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("source %s: no answer within %v (a slow server? try again, or use the cache: --pull missing)", name, timeout)
		}
		return nil, fmt.Errorf("source %s: %v", name, unwrapURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("source %s: server answered %s", name, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("source %s: %d bytes is more than the %d a package may have", name, resp.ContentLength, limit)
	}
	body := registry.ProgressReader(resp.Body, resp.ContentLength, "download "+path.Base(u.Path), opts.Progress)
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("source %s: download failed: %v", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("source %s: more than the %d bytes a package may have", name, limit)
	}
	return data, nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats method and URL
// (and would show credentials embedded in the URL).
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
