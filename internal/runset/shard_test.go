package runset

import (
	"errors"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

func TestParseShard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		spec   string
		shards int
		env    map[string]string
		k, n   int
		key    string // the error's key, "" for none
	}{
		{name: "first of three", spec: "0/3", k: 0, n: 3},
		{name: "last of three", spec: " 2 / 3 ", k: 2, n: 3},
		{name: "one of one", spec: "0/1", k: 0, n: 1},
		{name: "K = N", spec: "3/3", key: "--shard 3/3"},
		{name: "K > N", spec: "3/2", key: "--shard 3/2"},
		{name: "N = 0", spec: "0/0", key: "--shard 0/0"},
		{name: "negative K", spec: "-1/2", key: "--shard -1/2"},
		{name: "letters", spec: "a/b", key: "--shard a/b"},
		{name: "no slash", spec: "1", key: "--shard 1"},
		{name: "--shards without auto", spec: "0/2", shards: 2, key: "--shards"},
		{name: "slurm 0-2", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"}, k: 2, n: 3},
		{name: "slurm 1-3", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"}, k: 0, n: 3},
		{name: "slurm 0-4:2", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, k: 2, n: 3},
		{name: "slurm list", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"}, key: "SLURM_ARRAY_TASK_ID=7"},
		{name: "slurm without count", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "0"}, key: "SLURM_ARRAY_TASK_COUNT"},
		{name: "slurm --shards agrees", spec: "auto", shards: 3, env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"}, k: 1, n: 3},
		{name: "slurm --shards disagrees", spec: "auto", shards: 4, env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"}, key: "--shards"},
		{name: "slurm bad id", spec: "auto", env: map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "3"}, key: "SLURM_ARRAY_TASK_ID"},
		{name: "kubernetes", spec: "auto", shards: 3, env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, k: 2, n: 3},
		{name: "kubernetes without --shards", spec: "auto", env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, key: "--shard auto"},
		{name: "kubernetes index past --shards", spec: "auto", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, key: "JOB_COMPLETION_INDEX=2 with --shards 2"},
		{name: "no scheduler", spec: "auto", key: "--shard auto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseShard(tc.spec, tc.shards, func(k string) string { return tc.env[k] })
			if tc.key != "" {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || ie.Key != tc.key || ie.Hint == "" {
					t.Fatalf("ParseShard(%q, %d) = %+v, %v; want an *inputerr.Error with key %q and a hint", tc.spec, tc.shards, s, err, tc.key)
				}
				return
			}
			if err != nil || s.K != tc.k || s.N != tc.n {
				t.Fatalf("ParseShard(%q, %d) = %+v, %v; want shard %d of %d", tc.spec, tc.shards, s, err, tc.k, tc.n)
			}
			for i := range 10 {
				if s.Owns(i) != (i%tc.n == tc.k) {
					t.Errorf("shard %d of %d: Owns(%d) = %v", tc.k, tc.n, i, s.Owns(i))
				}
			}
		})
	}
}

func TestDiffJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ a, b, field string }{
		{`{"config":"a.yaml","seed":1}`, `{"seed": 1, "config": "a.yaml"}`, ""},
		{`{"config":"a.yaml","seed":1,"dir":"x"}`, `{"config":"a.yaml","seed":2,"dir":"y"}`, "seed"},
		{`{"config":"a.yaml","points":[1]}`, `{"config":"b.yaml","points":[2]}`, "config"},
		{`{"points":[1]}`, `{"points":[1],"extra":true}`, "extra"},
	} {
		if f, _, _ := diffJSON([]byte(tc.a), []byte(tc.b)); f != tc.field {
			t.Errorf("diffJSON(%s, %s) = %q, want %q", tc.a, tc.b, f, tc.field)
		}
	}
	if _, a, _ := diffJSON([]byte(`{"x":"`+strings.Repeat("a", 200)+`"}`), []byte(`{"x":1}`)); len(a) > 80 {
		t.Errorf("a long value is not shortened: %d bytes", len(a))
	}
}
