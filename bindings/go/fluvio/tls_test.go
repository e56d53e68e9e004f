package fluvio_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

// certificate makes a key pair and a certificate for it, signed by parent
// (self-signed without one), as PEM.
func certificate(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	if parent == nil {
		template.IsCA = true
		template.BasicConstraintsValid = true
		template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
		parent, parentKey = template, key
	} else {
		// Clients verify an SPU as <id>.<domain>: the one SPU is 5001.
		template.DNSNames = []string{name, "5001." + name}
		template.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		template.KeyUsage = x509.KeyUsageDigitalSignature
		template.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	return cert, key, string(certPEM), string(keyPEM)
}

// A cluster serving TLS takes a client that verifies it, and refuses the
// others.
func TestTLS(t *testing.T) {
	ca, caKey, caPEM, _ := certificate(t, "go-test-ca", nil, nil)
	_, _, serverPEM, serverKeyPEM := certificate(t, "localhost", ca, caKey)
	_, _, otherCAPEM, _ := certificate(t, "another-ca", nil, nil)
	ctx := testContext(t)
	cluster, err := fluvio.StartLocalCluster(ctx, &fluvio.LocalClusterConfig{DataDir: t.TempDir(), TLSCert: serverPEM, TLSKey: serverKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()

	config := fluvio.ClientConfig{Endpoint: cluster.Endpoint(), TLS: &fluvio.TLSConfig{CA: caPEM, Domain: "localhost"}}
	client, err := fluvio.ConnectWithConfig(ctx, config)
	if err != nil {
		t.Fatalf("connect over TLS: %v", err)
	}
	defer client.Close()
	if err := client.CreateTopic(ctx, "secret", nil); err != nil {
		t.Fatal(err)
	}
	producer := newProducer(t, client, "secret", &fluvio.ProducerConfig{Linger: fluvio.NoLinger})
	if _, err := producer.SendString(ctx, "k", "encrypted"); err != nil {
		t.Fatal(err)
	}
	if r := readN(t, openStream(t, client, "secret", nil, fluvio.Beginning()), 1)[0]; string(r.Value) != "encrypted" {
		t.Fatalf("read back %q", r.Value)
	}

	config.TLS = &fluvio.TLSConfig{CA: otherCAPEM, Domain: "localhost"}
	_, err = fluvio.ConnectWithConfig(ctx, config)
	expectError(t, "TLS with an unknown CA", err, fluvio.StatusConnection, fluvio.ErrConnection)
	config.TLS = &fluvio.TLSConfig{CA: caPEM, Domain: "elsewhere.example"}
	_, err = fluvio.ConnectWithConfig(ctx, config)
	expectError(t, "TLS for another domain", err, fluvio.StatusConnection, fluvio.ErrConnection)
	config.TLS = &fluvio.TLSConfig{CA: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", Domain: "localhost"}
	_, err = fluvio.ConnectWithConfig(ctx, config)
	expectError(t, "an unreadable CA", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	if _, err := fluvio.Connect(ctx, cluster.Endpoint()); err == nil {
		t.Fatal("a plain-TCP client connected to a TLS cluster")
	}
}
