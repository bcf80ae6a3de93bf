package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// indexedJob is the part of a Kubernetes Job that an Indexed Job of sweep
// shards needs.
type indexedJob struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Name         string   `yaml:"name"`
					Image        string   `yaml:"image"`
					Command      []string `yaml:"command"`
					Args         []string `yaml:"args"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// TestScaleDocIndexedJob checks the Kubernetes manifest of docs/scale.md:
// it parses as YAML, is an Indexed Job whose pods run sweep --shard auto
// with --shards equal to its completions, writing into a mounted shared
// volume, and its command line parses (its flags and their values).
func TestScaleDocIndexedJob(t *testing.T) {
	chdirRoot(t)
	doc := readFile(t, "docs/scale.md")
	m := regexp.MustCompile("(?s)<!-- k8s-manifest.*?-->\n```yaml\n(.*?)```").FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("docs/scale.md: no k8s-manifest yaml block")
	}
	var job indexedJob
	dec := yaml.NewDecoder(strings.NewReader(m[1]))
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("docs/scale.md manifest: %v", err)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Metadata.Name == "" {
		t.Errorf("want a batch/v1 Job with a name, got %s %s %q", job.APIVersion, job.Kind, job.Metadata.Name)
	}
	if s.CompletionMode != "Indexed" || s.Completions < 1 || s.Parallelism < 1 || s.Parallelism > s.Completions {
		t.Errorf("want completionMode Indexed, completions >= parallelism >= 1, got %q %d %d", s.CompletionMode, s.Completions, s.Parallelism)
	}
	if p := s.Template.Spec.RestartPolicy; p != "Never" && p != "OnFailure" {
		t.Errorf("restartPolicy %q: a Job's pods need Never or OnFailure", p)
	}
	if len(s.Template.Spec.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(s.Template.Spec.Containers))
	}
	c := s.Template.Spec.Containers[0]
	if c.Name == "" || c.Image == "" || len(c.Command) != 1 || c.Command[0] != "mlptrain" {
		t.Errorf("container: name %q image %q command %q", c.Name, c.Image, c.Command)
	}
	args := c.Args
	flag := func(name string) string {
		i := slices.Index(args, name)
		if i < 0 || i+1 >= len(args) {
			t.Errorf("args %q: no %s", args, name)
			return ""
		}
		return args[i+1]
	}
	if len(args) == 0 || args[0] != "sweep" || flag("--shard") != "auto" || flag("--shards") != itoa(s.Completions) {
		t.Errorf("args %q: want sweep ... --shard auto --shards %d (the completions)", args, s.Completions)
	}
	out := flag("--out")
	mounted := false
	for _, vm := range c.VolumeMounts {
		for _, v := range s.Template.Spec.Volumes {
			if v.Name == vm.Name && v.PersistentVolumeClaim.ClaimName != "" && strings.HasPrefix(out, strings.TrimSuffix(vm.MountPath, "/")+"/") {
				mounted = true
			}
		}
	}
	if !mounted {
		t.Errorf("--out %s is not on a mounted persistent volume claim", out)
	}
	// The pod's command line, as each pod runs it: JOB_COMPLETION_INDEX
	// is its shard, with --out in a temporary folder.
	for k := range s.Completions {
		t.Setenv("SLURM_ARRAY_TASK_ID", "")
		t.Setenv("JOB_COMPLETION_INDEX", itoa(k))
		a := slices.Clone(args)
		a[slices.Index(a, "--out")+1] = t.TempDir()
		a[slices.Index(a, "--epochs")+1] = "1"
		if r := runCLI(t, a...); r.code != exitOK {
			t.Errorf("pod %d: mlptrain %s: exit %d\n%s", k, strings.Join(a, " "), r.code, r.stderr)
		}
	}
	if _, err := os.Stat("configs/sine.yaml"); err != nil {
		t.Error(err)
	}
}

// itoa formats n.
func itoa(n int) string { return strconv.Itoa(n) }
