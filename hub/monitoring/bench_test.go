package monitoring_test

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// benchRows is the size of the extract the benchmark aggregates.
const benchRows = 1_000_000

var (
	benchOnce   sync.Once
	benchFile   string
	benchLayout *monitoring.Layout
	benchMap    monitoring.Mapping
	benchErr    error
)

// benchExtract writes, once per run, a million-row stop and search extract in the police's own codes.
func benchExtract(b *testing.B) (string, *monitoring.Layout, monitoring.Mapping) {
	benchOnce.Do(func() {
		std, err := monitoring.FirstStandard()
		if err != nil {
			benchErr = err
			return
		}
		themes, err := monitoring.BuiltInThemes()
		if err != nil {
			benchErr = err
			return
		}
		var theme monitoring.Theme
		for _, t := range themes {
			if t.ID == "stop-and-search" {
				theme = t
			}
		}
		if benchLayout, benchErr = monitoring.NewLayout(std, theme); benchErr != nil {
			return
		}
		benchMap = demo.Mapping("northshire-police", std)
		benchFile = filepath.Join(os.TempDir(), "hub-bench-extract-1m.csv")
		f, err := os.Create(benchFile)
		if err != nil {
			benchErr = err
			return
		}
		defer f.Close()
		benchErr = demo.WriteExtract(f, benchLayout, benchMap, demo.ExtractOptions{Rows: benchRows, Seed: 1, Rates: map[string]float64{"arrested": 0.15}})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFile, benchLayout, benchMap
}

// readCSV only reads the file with encoding/csv: the floor the aggregation is measured against.
func readCSV(b *testing.B, path string) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

func aggregateFile(b *testing.B, path string, l *monitoring.Layout, m monitoring.Mapping) int64 {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	a, err := monitoring.Aggregate(monitoring.NewCSVRows(f, 1<<40), l, m)
	if err != nil {
		b.Fatal(err)
	}
	counted, rejected := a.Records()
	if rejected != 0 {
		b.Fatalf("%d rows rejected", rejected)
	}
	return counted
}

// BenchmarkAggregateMillionRows aggregates a million-row extract end to end
// (read, map, validate, count) and, in the same run, only reads it with
// encoding/csv. It reports both throughputs, their ratio, and the peak heap
// in use while aggregating.
//
//	go test ./hub/monitoring -run '^$' -bench AggregateMillionRows -benchtime 3x
func BenchmarkAggregateMillionRows(b *testing.B) {
	path, l, m := benchExtract(b)
	info, _ := os.Stat(path)
	var readTime, aggTime time.Duration
	var peak uint64
	for b.Loop() {
		start := time.Now()
		if n := readCSV(b, path); n != benchRows+1 {
			b.Fatalf("read %d rows", n)
		}
		readTime += time.Since(start)

		runtime.GC()
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() {
			var max uint64
			var ms runtime.MemStats
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > max {
					max = ms.HeapInuse
				}
				select {
				case <-stop:
					done <- max
					return
				case <-t.C:
				}
			}
		}()
		start = time.Now()
		if n := aggregateFile(b, path, l, m); n != benchRows {
			b.Fatalf("counted %d records", n)
		}
		aggTime += time.Since(start)
		close(stop)
		if p := <-done; p > peak {
			peak = p
		}
	}
	mb := float64(info.Size()) / (1 << 20) * float64(b.N)
	b.ReportMetric(mb/readTime.Seconds(), "csv-read-MB/s")
	b.ReportMetric(mb/aggTime.Seconds(), "aggregate-MB/s")
	b.ReportMetric(readTime.Seconds()/aggTime.Seconds(), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
