// Command certgen writes the certificates a loopback control plane needs into one directory:
//
//	ca.crt ca.key                 the cluster CA (signs everything below; kube-apiserver's --client-ca-file)
//	apiserver.crt apiserver.key   kube-apiserver's serving certificate for 127.0.0.1 / localhost
//	kubelet.crt kubelet.key       the kubelet stand-in's serving certificate for 127.0.0.1
//	kubelet-client.crt .key       kube-apiserver's client certificate towards kubelets
//	admin.crt admin.key           CN=gpuctl-admin, O=system:masters
//	restricted.crt .key           CN=gpuctl-restricted (no groups): RBAC decides what it may do
//	sa.key sa.pub                 the service-account token signing key pair
//
// Keys are ECDSA P-256: fast to generate and accepted by kube-apiserver and Node's TLS.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type pair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "certgen:", err)
	os.Exit(1)
}

func write(dir, name string, block *pem.Block) {
	if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
		fail(err)
	}
}

func writePair(dir, base string, der []byte, key *ecdsa.PrivateKey) {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		fail(err)
	}
	write(dir, base+".crt", &pem.Block{Type: "CERTIFICATE", Bytes: der})
	write(dir, base+".key", &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

var serial int64 = 1

func issue(dir, base string, ca *pair, tmpl *x509.Certificate) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail(err)
	}
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(10 * 365 * 24 * time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		fail(err)
	}
	writePair(dir, base, der, key)
}

func main() {
	dir := flag.String("dir", "", "output directory (required)")
	flag.Parse()
	if *dir == "" {
		fail(fmt.Errorf("--dir is required"))
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fail(err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "gpuctl-test-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		fail(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		fail(err)
	}
	writePair(*dir, "ca", caDER, caKey)
	ca := &pair{caCert, caKey}

	loopback := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.96.0.1")}
	server := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	issue(*dir, "apiserver", ca, &x509.Certificate{Subject: pkix.Name{CommonName: "kube-apiserver"}, DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"}, IPAddresses: loopback, ExtKeyUsage: server})
	issue(*dir, "kubelet", ca, &x509.Certificate{Subject: pkix.Name{CommonName: "kubelet"}, DNSNames: []string{"localhost"}, IPAddresses: loopback, ExtKeyUsage: server})
	issue(*dir, "kubelet-client", ca, &x509.Certificate{Subject: pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"system:masters"}}, ExtKeyUsage: client})
	issue(*dir, "admin", ca, &x509.Certificate{Subject: pkix.Name{CommonName: "gpuctl-admin", Organization: []string{"system:masters"}}, ExtKeyUsage: client})
	issue(*dir, "restricted", ca, &x509.Certificate{Subject: pkix.Name{CommonName: "gpuctl-restricted"}, ExtKeyUsage: client})

	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail(err)
	}
	saDER, err := x509.MarshalECPrivateKey(saKey)
	if err != nil {
		fail(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		fail(err)
	}
	write(*dir, "sa.key", &pem.Block{Type: "EC PRIVATE KEY", Bytes: saDER})
	write(*dir, "sa.pub", &pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}
