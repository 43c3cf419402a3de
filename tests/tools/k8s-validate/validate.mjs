// Validates Kubernetes manifests offline: every YAML document of every file
// given must parse, and validate against the Kubernetes OpenAPI schema of its
// apiVersion and kind (the classes of the npm package kubernetes-models,
// pinned in package-lock.json), with no unknown field (strict.mjs). Then checks what the schemas cannot see
// across objects: the Service, PodDisruptionBudget and HPA reach the
// Deployment, every named port exists, probes use the admin port, and the
// termination grace period covers preStop plus the drain timeout.
// Usage: node validate.mjs FILE.yaml...   (exit 0: all valid; 1: errors, listed)
// With --extract-config OUT: also writes the ConfigMap's tpserve.yaml to OUT.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments, parse } from "yaml";
import { unknownFields } from "./strict.mjs";

const args = process.argv.slice(2);
let extractTo = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--extract-config") extractTo = args[++i];
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error("usage: node validate.mjs [--extract-config OUT] FILE.yaml...");
  process.exit(2);
}

const errors = [];
const objects = [];

// apiVersion "apps/v1" -> kubernetes-models/apps/v1/Kind; "v1" -> kubernetes-models/v1/Kind.
async function modelFor(apiVersion, kind) {
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z]+$/.test(kind)) return null;
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { prettyErrors: true });
  for (const [index, document] of documents.entries()) {
    const where = `${file}: document ${index + 1}`;
    if (document.errors.length > 0) {
      for (const error of document.errors) errors.push(`${where}: YAML: ${error.message}`);
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    const Model = await modelFor(String(object.apiVersion), String(object.kind));
    if (Model === null) {
      errors.push(`${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      const details = (error.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
      errors.push(`${where} (${object.kind} ${object.metadata?.name}): ${details.join("; ") || error.message}`);
      continue;
    }
    const unknown = unknownFields(object);
    if (unknown.length > 0) {
      errors.push(`${where} (${object.kind} ${object.metadata?.name}): ${unknown.join("; ")}`);
      continue;
    }
    objects.push({ where, object });
  }
}

const byKind = (kind) => objects.filter((o) => o.object.kind === kind);
const expect = (condition, message) => condition || errors.push(message);
const one = (kind) => {
  const found = byKind(kind);
  expect(found.length === 1, `expected exactly one ${kind}, found ${found.length}`);
  return found[0]?.object;
};

// --- across objects (only when every document validated) ---------------------
if (errors.length === 0) {
  const deployment = one("Deployment");
  const configMap = one("ConfigMap");
  const service = one("Service");
  const pdb = one("PodDisruptionBudget");
  const hpa = one("HorizontalPodAutoscaler");
  if (deployment && configMap && service && pdb && hpa) checkTogether(deployment, configMap, service, pdb, hpa);
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

// "10s", "1m", "500ms" -> seconds.
function seconds(duration) {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(String(duration));
  if (!match) return NaN;
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]];
}

function checkTogether(deployment, configMap, service, pdb, hpa) {
  const pod = deployment.spec.template;
  const labels = pod.metadata?.labels;
  const container = pod.spec.containers[0];
  const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
  expect(matches(deployment.spec.selector.matchLabels, labels), "Deployment: selector does not match its pod labels");
  expect(matches(service.spec.selector, labels), "Service: selector does not match the Deployment's pods");
  expect(matches(pdb.spec.selector?.matchLabels, labels), "PodDisruptionBudget: selector does not match the pods");
  for (const port of service.spec.ports) {
    const target = port.targetPort;
    expect(typeof target === "number" ? [...ports.values()].includes(target) : ports.has(target),
      `Service: targetPort ${target} is not a container port`);
    expect(target !== "admin" && target !== ports.get("admin"), "Service: exposes the admin port");
  }
  const ref = hpa.spec.scaleTargetRef;
  expect(ref.kind === "Deployment" && ref.name === deployment.metadata.name, "HPA: does not target the Deployment");
  expect(container.resources?.requests?.cpu !== undefined, "HPA on CPU needs a CPU request");

  for (const [name, path] of [["readinessProbe", "/readyz"], ["livenessProbe", "/healthz"]]) {
    const probe = container[name]?.httpGet;
    expect(probe?.path === path && probe?.port === "admin", `${name}: expected httpGet ${path} on port admin`);
  }
  const security = container.securityContext ?? {};
  const podSecurity = pod.spec.securityContext ?? {};
  expect(podSecurity.runAsNonRoot === true && podSecurity.runAsUser === 10001, "pod: runAsNonRoot, runAsUser 10001");
  expect(podSecurity.seccompProfile?.type === "RuntimeDefault", "pod: seccompProfile RuntimeDefault");
  expect(security.readOnlyRootFilesystem === true, "container: readOnlyRootFilesystem");
  expect(security.allowPrivilegeEscalation === false, "container: allowPrivilegeEscalation false");
  expect(JSON.stringify(security.capabilities?.drop) === '["ALL"]', "container: capabilities drop ALL");

  // The ConfigMap's tpserve.yaml: its ports are the container's, and the
  // grace period covers preStop + drain.
  const text = configMap.data?.["tpserve.yaml"];
  expect(typeof text === "string", "ConfigMap: no tpserve.yaml");
  if (typeof text !== "string") return;
  const config = parse(text);
  const portOf = (address) => Number(String(address).split(":").pop());
  expect((config.listen ?? []).some((a) => portOf(a) === ports.get("http")), "ConfigMap: listen is not the http port");
  expect(portOf(config.admin?.listen) === ports.get("admin"), "ConfigMap: admin.listen is not the admin port");
  const mount = container.volumeMounts?.find((m) => m.mountPath === "/etc/tpserve");
  const volume = pod.spec.volumes?.find((v) => v.name === mount?.name);
  expect(volume?.configMap?.name === configMap.metadata.name, "Deployment: the ConfigMap is not mounted at /etc/tpserve");
  expect(container.args?.join(" ") === "--config /etc/tpserve/tpserve.yaml", "Deployment: args do not name the config");
  const drain = seconds(config.timeouts?.drain ?? "10s");
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  const preStop = Number(container.lifecycle?.preStop?.sleep?.seconds ?? command[command.length - 1]);
  expect(Number.isFinite(preStop) && preStop > 0, "Deployment: no preStop sleep");
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  expect(grace > preStop + drain, `terminationGracePeriodSeconds ${grace} <= preStop ${preStop} s + drain ${drain} s`);
  if (extractTo) writeFileSync(extractTo, text);
}

if (errors.length > 0) {
  for (const error of errors) console.error(`k8s-validate: ${error}`);
  process.exit(1);
}
console.log(`k8s-validate: ${objects.length} objects valid (${objects.map((o) => o.object.kind).join(", ")})`);
