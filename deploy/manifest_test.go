// Package deploy_test checks the Kubernetes manifest, its image and its guide
// against each other and against the real daemon.
package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The parts of the manifest the tests check; the rest is left to Kubernetes.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	Spec struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	HostPID     bool        `yaml:"hostPID"`
	HostNetwork bool        `yaml:"hostNetwork"`
	Containers  []container `yaml:"containers"`
	Volumes     []struct {
		Name     string `yaml:"name"`
		HostPath struct {
			Path string `yaml:"path"`
		} `yaml:"hostPath"`
	} `yaml:"volumes"`
}

type container struct {
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name      string `yaml:"name"`
		ValueFrom struct {
			SecretKeyRef struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports []struct {
		ContainerPort int `yaml:"containerPort"`
	} `yaml:"ports"`
	SecurityContext struct {
		Privileged bool `yaml:"privileged"`
	} `yaml:"securityContext"`
	LivenessProbe  probe `yaml:"livenessProbe"`
	ReadinessProbe probe `yaml:"readinessProbe"`
	VolumeMounts   []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port int    `yaml:"port"`
	} `yaml:"httpGet"`
}

// manifest parses daemonset.yaml: every document, and its DaemonSet.
func manifest(t *testing.T) (objs []object, ds object) {
	t.Helper()
	raw, err := os.ReadFile("daemonset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var o object
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("daemonset.yaml: %v", err)
		}
		objs = append(objs, o)
		if o.Kind == "DaemonSet" {
			ds = o
		}
	}
	if ds.Kind == "" {
		t.Fatal("daemonset.yaml has no DaemonSet")
	}
	return objs, ds
}

// TestManifestRunsPrivilegedOnTheHost checks what a node-wide eBPF daemon
// needs: the host's PID and network namespaces, privilege, and the kernel's
// BTF, bpffs, tracefs and cgroups mounted from the host at their own paths.
func TestManifestRunsPrivilegedOnTheHost(t *testing.T) {
	objs, ds := manifest(t)
	if len(objs) != 2 || objs[0].Kind != "Namespace" || objs[0].Metadata.Name != ds.Metadata.Namespace {
		t.Errorf("documents %+v, want the Namespace of the DaemonSet first", objs)
	}
	if ds.APIVersion != "apps/v1" || ds.Metadata.Namespace != "nomia" {
		t.Errorf("DaemonSet %s in %q, want apps/v1 in nomia", ds.APIVersion, ds.Metadata.Namespace)
	}
	for k, v := range ds.Spec.Selector.MatchLabels {
		if ds.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("selector %s=%s does not match the pod template's labels %v", k, v, ds.Spec.Template.Metadata.Labels)
		}
	}
	pod := ds.Spec.Template.Spec
	if !pod.HostPID || !pod.HostNetwork {
		t.Errorf("hostPID %v hostNetwork %v, want both: events carry host pids, xdp/tc attach to host interfaces", pod.HostPID, pod.HostNetwork)
	}
	if len(pod.Containers) != 1 || !pod.Containers[0].SecurityContext.Privileged {
		t.Fatalf("containers %+v, want one privileged container", pod.Containers)
	}
	c := pod.Containers[0]
	hostPaths := map[string]string{}
	for _, v := range pod.Volumes {
		hostPaths[v.Name] = v.HostPath.Path
	}
	mounted := map[string]bool{}
	for _, m := range c.VolumeMounts {
		if hostPaths[m.Name] != m.MountPath {
			t.Errorf("volume %s mounted at %s, want the host's %q at the same path", m.Name, m.MountPath, hostPaths[m.Name])
		}
		mounted[m.MountPath] = true
	}
	for _, want := range []string{"/sys/kernel/btf", "/sys/fs/bpf", "/sys/kernel/tracing", "/sys/fs/cgroup", "/var/lib/nomia"} {
		if !mounted[want] {
			t.Errorf("%s is not mounted from the host", want)
		}
	}
	if c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("probes %+v %+v, want GET /healthz (the one call without a token)", c.LivenessProbe, c.ReadinessProbe)
	}
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8527 || c.LivenessProbe.HTTPGet.Port != 8527 {
		t.Errorf("ports %+v, probe port %d, want 8527, where --listen says", c.Ports, c.LivenessProbe.HTTPGet.Port)
	}
	if !slices.Contains(c.Args, "--listen=0.0.0.0:8527") || !slices.Contains(c.Args, "--state-dir=/var/lib/nomia") {
		t.Errorf("args %q, want --listen=0.0.0.0:8527 and --state-dir on the mounted /var/lib/nomia", c.Args)
	}
}

// TestGuideMatchesManifest checks the names the guide's commands rely on:
// the image its sed replaces, the secret it creates, the Dockerfile's
// default command.
func TestGuideMatchesManifest(t *testing.T) {
	_, ds := manifest(t)
	c := ds.Spec.Template.Spec.Containers[0]
	guide := read(t, "README.md")
	if !strings.Contains(guide, `sed "s|image: `+c.Image+`|image: $IMAGE|" deploy/daemonset.yaml | kubectl apply -f -`) {
		t.Errorf("README's sed does not replace the manifest's image %q", c.Image)
	}
	if n := strings.Count(read(t, "daemonset.yaml"), "image: "+c.Image); n != 1 {
		t.Errorf("daemonset.yaml has %d lines 'image: %s', want 1 for the README's sed", n, c.Image)
	}
	if len(c.Env) != 1 || c.Env[0].Name != "NOMIA_TOKEN" {
		t.Fatalf("env %+v, want NOMIA_TOKEN from a secret", c.Env)
	}
	ref := c.Env[0].ValueFrom.SecretKeyRef
	create := "kubectl -n " + ds.Metadata.Namespace + " create secret generic " + ref.Name + " \\\n  --from-literal=" + ref.Key + "="
	if !strings.Contains(guide, create) {
		t.Errorf("README does not create secret %s with key %s in %s as the manifest reads it", ref.Name, ref.Key, ds.Metadata.Namespace)
	}
	cmd := `CMD ["` + strings.Join(c.Args, `", "`) + `"]`
	if !strings.Contains(read(t, "Dockerfile"), cmd) {
		t.Errorf("Dockerfile's default command is not the manifest's args: want %s", cmd)
	}
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
