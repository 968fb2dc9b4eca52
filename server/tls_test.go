package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// TestTLS serves HTTPS with a certificate made for 127.0.0.1 and checks that
// a client trusting it gets answers and that the token still applies.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s, err := server.New(server.Config{Token: "tls-token", Log: servertest.Log(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, certFile, keyFile) }()
	defer func() { cancel(); <-done }()

	url := "https://" + ln.Addr().String()
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer transport.CloseIdleConnections()
	c := client.New(url, "tls-token")
	c.HTTP.Transport = transport
	if list, err := c.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("list over TLS: %v, %v; want an empty list", list, err)
	}
	wrong := client.New(url, "nope")
	wrong.HTTP.Transport = transport
	if _, err := wrong.List(ctx); !isStatus(err, http.StatusUnauthorized) {
		t.Errorf("wrong token over TLS: %v, want 401", err)
	}
	if err := s.Serve(ctx, ln, certFile, certFile); err == nil || !strings.Contains(err.Error(), "TLS certificate") {
		t.Errorf("Serve with a certificate as its own key: %v, want a one-line TLS error", err)
	}
	untrusting := client.New(url, "tls-token")
	if _, err := untrusting.List(ctx); err == nil {
		t.Error("a client that does not trust the certificate got an answer")
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// files and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "nomia test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
