{{/*
Names follow the usual Helm conventions: <release>-<chart>, cut to 63
characters because Service and label values may not be longer.
*/}}
{{- define "fsx-webhook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fsx-webhook.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fsx-webhook.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fsx-webhook.labels" -}}
helm.sh/chart: {{ include "fsx-webhook.chart" . }}
{{ include "fsx-webhook.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels never change after install: a Deployment's selector is immutable. */}}
{{- define "fsx-webhook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fsx-webhook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "fsx-webhook.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fsx-webhook.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fsx-webhook.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "fsx-webhook.fullname" .)) .Values.tls.secretName }}
{{- end }}

{{/* The serving certificate (cert-manager mode) and its CA chain. */}}
{{- define "fsx-webhook.certificateName" -}}
{{- printf "%s-serving" (include "fsx-webhook.fullname" .) }}
{{- end }}

{{/* DNS names the API server may use for the Service; it checks <svc>.<ns>.svc. */}}
{{- define "fsx-webhook.dnsNames" -}}
{{- $svc := include "fsx-webhook.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson }}
{{- end }}

{{- define "fsx-webhook.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Helm mode: the CA and serving pair, generated once and then reused.
On install (or with `helm template`, which cannot read the cluster and so always
regenerates) a new CA and a certificate signed by it are made. On upgrade the
existing Secret is looked up and its ca.crt, tls.crt and tls.key are reused, so
the caBundle in the webhook configurations keeps matching the certificate the
pods serve and nothing changes under running traffic.
The result is a dict with keys caCert, cert, key (PEM). Templates call this
once per render through "fsx-webhook.tlsPair" so the Secret and both webhook
configurations see the same pair.
*/}}
{{- define "fsx-webhook.generateTLS" -}}
{{- $secretName := include "fsx-webhook.tlsSecretName" . }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace $secretName }}
{{- $data := dict }}
{{- if $existing }}{{ $data = default (dict) $existing.data }}{{ end }}
{{- if and (hasKey $data "ca.crt") (hasKey $data "tls.crt") (hasKey $data "tls.key") }}
{{- dict "caCert" (index $data "ca.crt" | b64dec) "cert" (index $data "tls.crt" | b64dec) "key" (index $data "tls.key" | b64dec) | toJson }}
{{- else }}
{{- $days := int .Values.tls.helm.validityDays }}
{{- $ca := genCA (printf "%s-ca" (include "fsx-webhook.fullname" .)) $days }}
{{- $dnsNames := include "fsx-webhook.dnsNames" . | fromJsonArray }}
{{- $cert := genSignedCert (first $dnsNames) nil $dnsNames $days $ca }}
{{- dict "caCert" $ca.Cert "cert" $cert.Cert "key" $cert.Key | toJson }}
{{- end }}
{{- end }}

{{/*
The pair is memoised on the root context: genCA is random, so calling it once
per template would give the Secret and the webhook configurations different CAs.
*/}}
{{- define "fsx-webhook.tlsPair" -}}
{{- if not (hasKey .Values "__fsxWebhookTLS") }}
{{- $_ := set .Values "__fsxWebhookTLS" (include "fsx-webhook.generateTLS" . | fromJson) }}
{{- end }}
{{- index .Values "__fsxWebhookTLS" | toJson }}
{{- end }}

{{/* caBundle for the webhook configurations, or nothing when cert-manager injects it. */}}
{{- define "fsx-webhook.caBundle" -}}
{{- if eq .Values.tls.mode "helm" }}
{{- (include "fsx-webhook.tlsPair" . | fromJson).caCert | b64enc }}
{{- else if eq .Values.tls.mode "secret" }}
{{- .Values.tls.caBundle }}
{{- end }}
{{- end }}

{{/* Annotations that let cert-manager's cainjector fill in caBundle. */}}
{{/* Annotations of both webhook configurations: the user's, then cainjector's (which wins). */}}
{{- define "fsx-webhook.webhookAnnotations" -}}
{{- $annotations := deepCopy (default (dict) .Values.webhook.annotations) }}
{{- if eq .Values.tls.mode "cert-manager" }}
{{- $_ := set $annotations "cert-manager.io/inject-ca-from" (printf "%s/%s" .Release.Namespace (include "fsx-webhook.certificateName" .)) }}
{{- end }}
{{- with $annotations }}{{ toYaml . }}{{ end }}
{{- end }}

{{/* Labels of both webhook configurations: the chart's, then the user's. */}}
{{- define "fsx-webhook.webhookLabels" -}}
{{ include "fsx-webhook.labels" . }}
{{- with .Values.webhook.labels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
CEL matchConditions (Kubernetes 1.30+), evaluated by the API server before it
calls the webhook: only objects of the FSx CSI driver are sent. On UPDATE the
old object counts too, so an update that moves an object away from the driver
is still reviewed (oldObject is null on CREATE and is only read on UPDATE:
CEL's && yields false without the error of its other side). Each object may
lack the field (has() guards every step): a condition that errors would apply
failurePolicy to every object.
tests/chart/test_match_conditions.py evaluates each expression with a CEL engine.
*/}}
{{- define "fsx-webhook.matchCondition.storageClasses" -}}
- name: fsx-provisioner
  expression: >-
    (has(object.provisioner) && object.provisioner == 'fsx.csi.aws.com') ||
    (request.operation == 'UPDATE' && has(oldObject.provisioner) && oldObject.provisioner == 'fsx.csi.aws.com')
{{- end }}

{{- define "fsx-webhook.matchCondition.persistentVolumes" -}}
- name: fsx-csi-driver
  expression: >-
    (has(object.spec) && has(object.spec.csi) && has(object.spec.csi.driver) && object.spec.csi.driver == 'fsx.csi.aws.com') ||
    (request.operation == 'UPDATE' && has(oldObject.spec) && has(oldObject.spec.csi) && has(oldObject.spec.csi.driver) && oldObject.spec.csi.driver == 'fsx.csi.aws.com')
{{- end }}

{{- define "fsx-webhook.matchCondition.volumeAttributesClasses" -}}
- name: fsx-driver-name
  expression: >-
    (has(object.driverName) && object.driverName == 'fsx.csi.aws.com') ||
    (request.operation == 'UPDATE' && has(oldObject.driverName) && oldObject.driverName == 'fsx.csi.aws.com')
{{- end }}

{{/* Pods with a controller owner are mutated through their owner, never themselves. */}}
{{- define "fsx-webhook.matchCondition.workloads" -}}
- name: pods-without-controller
  expression: >-
    request.resource.resource != 'pods' || !has(object.metadata.ownerReferences) ||
    !object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller == true)
{{- end }}

{{/* Timeout of one webhook: its own value, else the shared one. */}}
{{- define "fsx-webhook.timeout" -}}
{{- $own := index . 0 }}{{- $shared := index . 1 }}
{{- if kindIs "invalid" $own }}{{ $shared }}{{ else }}{{ $own }}{{ end }}
{{- end }}

{{/*
Checks the schema also makes, repeated here with a message that says what to
do, because `helm install --skip-schema-validation` bypasses the schema and an
empty Secret name would otherwise surface only as pods stuck ContainerCreating.
*/}}
{{- define "fsx-webhook.checkValues" -}}
{{- if eq .Values.tls.mode "secret" }}
{{- if not .Values.tls.secretName }}
{{- fail "tls.mode=secret needs tls.secretName: the name of an existing kubernetes.io/tls Secret in the release namespace (certs/make-certs.sh prints the command that creates one)" }}
{{- end }}
{{- if not .Values.tls.caBundle }}
{{- fail "tls.mode=secret needs tls.caBundle: base64 of the PEM CA that signed the Secret's certificate (base64 -w0 ca.crt)" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The PromQL label matchers of the webhook's scrape target. */}}
{{- define "fsx-webhook.metricsSelector" -}}
{{- default (printf "job=%q,namespace=%q" (include "fsx-webhook.fullname" .) .Release.Namespace) .Values.metrics.prometheusRule.selector }}
{{- end }}
