package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// allocatedBy returns the bytes the process allocated while f ran.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Counting an extract on the Data page reads the file as it arrives: a CSV
// extract costs the hub about its own size in allocations (its rows, one at
// a time), not copies of the whole file in memory.
func TestUploadedExtractIsCountedAsAStream(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn("northshire-nhs", "nhs-steward")
	path := filepath.Join(t.TempDir(), "staff.csv")
	writeExtract(t, path, "northshire-nhs", "workforce-strength", 200000, 3, 0.001)
	extract := mustRead(t, path)
	fields := map[string]string{"theme": "workforce-strength", "period": "2025-26"}
	count := func(files map[string][]byte) {
		status, body, _ := c.multipart("/data/upload", fields, files)
		if status != http.StatusOK || !strings.Contains(body, "Check and sign the return") {
			t.Fatalf("counting an extract: %d\n%.2000s", status, body)
		}
	}
	count(map[string][]byte{"extract": extract}) // the first count sets up what every count shares
	// The client's own copy of the form is part of what is allocated: count it apart.
	client := allocatedBy(func() { _ = multipartBody(c, fields, "extract", "staff.csv", extract) })
	csvRatio := float64(allocatedBy(func() { count(map[string][]byte{"extract": extract}) })-client) / float64(len(extract))
	t.Logf("CSV extract of %.1f MB: the hub allocated %.2f times its size to count it", float64(len(extract))/1e6, csvRatio)

	// A workbook of fewer rows: reading one takes longer.
	small := filepath.Join(t.TempDir(), "staff-small.csv")
	writeExtract(t, small, "northshire-nhs", "workforce-strength", 20000, 3, 0.001)
	book := csvToXLSX(t, small)
	status, body, _ := c.multipartNamed("/data/upload", fields, "extract", "staff.xlsx", book)
	if status != http.StatusOK {
		t.Fatalf("counting a workbook: %d\n%.2000s", status, body)
	}
	client = allocatedBy(func() { _ = multipartBody(c, fields, "extract", "staff.xlsx", book) })
	xlsx := allocatedBy(func() { c.multipartNamed("/data/upload", fields, "extract", "staff.xlsx", book) })
	t.Logf("workbook of %.1f MB: the hub allocated %.1f times its size to count it (a workbook is read whole, and expands as it is read)",
		float64(len(book))/1e6, float64(xlsx-client)/float64(len(book)))
	if csvRatio > 2.5 {
		t.Fatalf("counting a CSV extract allocated %.2f times its size, want at most 2.5: the file is held whole, perhaps more than once", csvRatio)
	}
}

// multipartBody builds the form that multipartNamed sends, as the client does.
func multipartBody(c *client, fields map[string]string, field, name string, b []byte) []byte {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", c.csrf())
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(b)
	w.Close()
	return buf.Bytes()
}
