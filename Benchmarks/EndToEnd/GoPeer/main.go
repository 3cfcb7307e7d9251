// A plain Go webhook, the peer scripts/load-test.sh measures fsx-webhook against: net/http
// over TLS, the AdmissionReview decoded by encoding/json with the object kept raw (as a
// controller-runtime webhook that reads only the envelope would), and an `allowed` answer
// with the request's uid. It decides nothing, so it is the cost of a Go webhook's
// transport and decoding alone.
//
// usage: go-peer CERT KEY PORT
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

type review struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Request    *request `json:"request"`
}

type request struct {
	UID       string          `json:"uid"`
	Operation string          `json:"operation"`
	Object    json.RawMessage `json:"object"`
	OldObject json.RawMessage `json:"oldObject"`
}

type response struct {
	UID     string `json:"uid"`
	Allowed bool   `json:"allowed"`
}

type answer struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Response   response `json:"response"`
}

var readObject bool

func handle(w http.ResponseWriter, r *http.Request) {
	var in review
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Request == nil {
		http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
		return
	}
	if readObject {
		var object map[string]any
		if err := json.Unmarshal(in.Request.Object, &object); err != nil {
			http.Error(w, "object is not a JSON object", http.StatusBadRequest)
			return
		}
		if _, err := json.Marshal(object); err != nil {
			http.Error(w, "object cannot be marshalled", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer{
		APIVersion: in.APIVersion, Kind: "AdmissionReview",
		Response: response{UID: in.Request.UID, Allowed: true},
	})
}

func main() {
	if len(os.Args) != 4 && !(len(os.Args) == 5 && os.Args[4] == "object") {
		log.Fatal("usage: go-peer CERT KEY PORT [object]")
	}
	readObject = len(os.Args) == 5
	http.HandleFunc("/", handle)
	log.Fatal(http.ListenAndServeTLS("127.0.0.1:"+os.Args[3], os.Args[1], os.Args[2], nil))
}
