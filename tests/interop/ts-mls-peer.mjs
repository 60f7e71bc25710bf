#!/usr/bin/env node
// ts-mls-peer: one MLS client of the independent implementation ts-mls, driven
// through the conclave-mls-peer line protocol (docs: shared brief MLS-PEER.md,
// summarised in tests/interop/README.md). One JSON request per line on stdin,
// one JSON answer per line on stdout; diagnostics go to stderr only.
//
// Interoperability test tooling only: never shipped, never linked into Conclave.
//
// Usage: node ts-mls-peer.mjs [--suite 1|2] [--no-grease]

import { createInterface } from "node:readline";
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  emptyPskIndex,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  mlsExporter,
  processMessage,
} from "ts-mls";
// Not re-exported by the package root; reachable through its "./*.js" export.
import { decodeKeyPackage, generateKeyPackageWithKey, makeKeyPackageRef } from "ts-mls/keyPackage.js";

const kSuites = {
  1: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  2: "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
};

// Key packages are valid from an hour ago (clock skew between peers) for one day:
// short enough for any receiver's maximum-lifetime policy.
const kLifetimeBeforeSeconds = 3600n;
const kLifetimeAfterSeconds = 86400n;

class PeerError extends Error {}

function parseArgs(argv) {
  const options = { suite: 1, grease: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--suite" && i + 1 < argv.length) {
      options.suite = Number(argv[++i]);
    } else if (arg.startsWith("--suite=")) {
      options.suite = Number(arg.slice("--suite=".length));
    } else if (arg === "--no-grease") {
      options.grease = false;
    } else {
      throw new PeerError(`unknown argument ${arg}`);
    }
  }
  if (!(options.suite in kSuites)) throw new PeerError(`unsupported suite ${options.suite} (1 or 2)`);
  return options;
}

// ---- encoding helpers -------------------------------------------------------

function fromHex(value, field) {
  if (typeof value !== "string" || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new PeerError(`${field}: expected an even-length hex string`);
  }
  return Uint8Array.from(Buffer.from(value, "hex"));
}

function toHex(bytes) {
  return Buffer.from(bytes).toString("hex");
}

function requireString(request, field) {
  const value = request[field];
  if (typeof value !== "string") throw new PeerError(`${field}: expected a string`);
  return value;
}

function asciiBytes(value, field) {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new PeerError(`${field}: expected printable ASCII`);
  return new TextEncoder().encode(value);
}

// Decodes a whole value with a ts-mls decoder; trailing bytes are an error, so a
// peer that appends garbage is caught rather than silently accepted.
function decodeAll(decoder, bytes, what) {
  const result = decoder(bytes, 0);
  if (result === undefined) throw new PeerError(`${what}: does not decode`);
  const [value, consumed] = result;
  if (consumed !== bytes.length) {
    throw new PeerError(`${what}: ${bytes.length - consumed} trailing bytes`);
  }
  return value;
}

function decodeMessage(hex, field) {
  return decodeAll(decodeMlsMessage, fromHex(hex, field), `${field} (MLSMessage)`);
}

// A KeyPackage arrives either as an MLSMessage (version, wire format 0x0005) or
// as a bare KeyPackage struct; the brief requires accepting both.
function decodeKeyPackageEither(hex, field) {
  const bytes = fromHex(hex, field);
  const wrapped = decodeMlsMessage(bytes, 0);
  if (wrapped !== undefined && wrapped[1] === bytes.length && wrapped[0].wireformat === "mls_key_package") {
    return wrapped[0].keyPackage;
  }
  return decodeAll(decodeKeyPackage, bytes, `${field} (neither an MLSMessage KeyPackage nor a bare KeyPackage)`);
}

function encodeMessage(content) {
  return toHex(encodeMlsMessage({ version: "mls10", ...content }));
}

// ---- the client -------------------------------------------------------------

class Client {
  constructor(suiteName, cs, grease) {
    this.suiteName = suiteName;
    this.cs = cs;
    this.grease = grease;
    this.state = undefined; // ts-mls ClientState once in a group
    this.pending = []; // unused key packages: { publicPackage, privatePackage }
  }

  // ts-mls's own P-256 key generation emits 33-byte compressed points, but RFC
  // 9420 §5.1.1 requires the uncompressed SEC1 point for ECDSA signature keys, so
  // the P-256 pair is made here; Ed25519 uses the library's key generation.
  async signatureKeyPair() {
    if (this.suiteName === kSuites[2]) {
      const { p256 } = await import("@noble/curves/nist.js");
      const signKey = p256.utils.randomSecretKey();
      return { signKey, publicKey: p256.getPublicKey(signKey, false) };
    }
    return this.cs.signature.keygen();
  }

  capabilities() {
    const caps = defaultCapabilities();
    if (this.grease) return caps;
    const isGrease = (v) => (Number(v) & 0x0f0f) === 0x0a0a;
    return {
      ...caps,
      ciphersuites: caps.ciphersuites.filter((c) => !/^\d+$/.test(c) || !isGrease(c)),
      credentials: caps.credentials.filter((c) => !/^\d+$/.test(c) || !isGrease(c)),
      extensions: caps.extensions.filter((e) => !isGrease(e)),
      proposals: caps.proposals.filter((p) => !isGrease(p)),
    };
  }

  async makeKeyPackage(identity) {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const lifetime = { notBefore: now - kLifetimeBeforeSeconds, notAfter: now + kLifetimeAfterSeconds };
    const credential = { credentialType: "basic", identity: asciiBytes(identity, "identity") };
    return generateKeyPackageWithKey(
      credential,
      this.capabilities(),
      lifetime,
      [],
      await this.signatureKeyPair(),
      this.cs,
    );
  }

  requireGroup() {
    if (this.state === undefined) throw new PeerError("not in a group");
    return this.state;
  }

  // Every handler computes on locals and assigns this.state / this.pending only
  // after the last step that can fail, so a failed request changes nothing.
  async key_package(request) {
    const identity = requireString(request, "identity");
    const kp = await this.makeKeyPackage(identity);
    const msg = encodeMessage({ wireformat: "mls_key_package", keyPackage: kp.publicPackage });
    this.pending.push(kp);
    return { msg };
  }

  async create_group(request) {
    if (this.state !== undefined) throw new PeerError("already in a group");
    const groupId = fromHex(requireString(request, "group_id"), "group_id");
    const identity = requireString(request, "identity");
    const kp = await this.makeKeyPackage(identity);
    this.state = await createGroup(groupId, kp.publicPackage, kp.privatePackage, [], this.cs);
    return {};
  }

  async add(request) {
    const state = this.requireGroup();
    if (!Array.isArray(request.key_packages) || request.key_packages.length === 0) {
      throw new PeerError("key_packages: expected a non-empty array of hex strings");
    }
    const extraProposals = request.key_packages.map((hex, i) => ({
      proposalType: "add",
      add: { keyPackage: decodeKeyPackageEither(hex, `key_packages[${i}]`) },
    }));
    const result = await createCommit(
      { state, cipherSuite: this.cs },
      { extraProposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
    );
    if (result.welcome === undefined) throw new PeerError("commit produced no Welcome");
    const commit = toHex(encodeMlsMessage(result.commit));
    const welcome = encodeMessage({ wireformat: "mls_welcome", welcome: result.welcome });
    this.state = result.newState;
    return { commit, welcome };
  }

  async join(request) {
    if (this.state !== undefined) throw new PeerError("already in a group");
    const msg = decodeMessage(requireString(request, "welcome"), "welcome");
    if (msg.wireformat !== "mls_welcome") throw new PeerError(`welcome: wire format is ${msg.wireformat}`);
    const welcome = msg.welcome;
    if (welcome.cipherSuite !== this.suiteName) {
      throw new PeerError(`welcome: cipher suite ${welcome.cipherSuite}, this peer runs ${this.suiteName}`);
    }
    // Find which of our key packages the Welcome is for, by KeyPackageRef.
    let index = -1;
    for (let i = 0; i < this.pending.length && index < 0; i++) {
      const ref = toHex(await makeKeyPackageRef(this.pending[i].publicPackage, this.cs.hash));
      if (welcome.secrets.some((s) => toHex(s.newMember) === ref)) index = i;
    }
    if (index < 0) throw new PeerError("welcome: addressed to none of this peer's key packages");
    const kp = this.pending[index];
    // No ratchet tree is passed: it must come from the GroupInfo ratchet_tree extension.
    const state = await joinGroup(welcome, kp.publicPackage, kp.privatePackage, emptyPskIndex, this.cs);
    this.state = state;
    this.pending = this.pending.filter((_, i) => i !== index);
    return {};
  }

  async handle(request) {
    const state = this.requireGroup();
    const msg = decodeMessage(requireString(request, "msg"), "msg");
    let contentType;
    if (msg.wireformat === "mls_public_message") {
      contentType = msg.publicMessage.content.contentType;
    } else if (msg.wireformat === "mls_private_message") {
      contentType = msg.privateMessage.contentType;
    } else {
      throw new PeerError(`msg: cannot handle wire format ${msg.wireformat} here`);
    }
    const result = await processMessage(msg, state, emptyPskIndex, acceptAll, this.cs);
    if (result.kind === "applicationMessage") {
      this.state = result.newState;
      return { kind: "application", data: toHex(result.message) };
    }
    if (result.actionTaken !== "accept") throw new PeerError(`message ${result.actionTaken}ed`);
    if (contentType !== "commit" && contentType !== "proposal") {
      throw new PeerError(`unexpected content type ${contentType}`);
    }
    this.state = result.newState;
    return { kind: contentType };
  }

  async send(request) {
    const state = this.requireGroup();
    const data = fromHex(requireString(request, "data"), "data");
    const result = await createApplicationMessage(state, data, this.cs);
    const msg = encodeMessage({ wireformat: "mls_private_message", privateMessage: result.privateMessage });
    this.state = result.newState;
    return { msg };
  }

  async epoch() {
    return { epoch: this.requireGroup().groupContext.epoch.toString() };
  }

  async exporter(request) {
    const state = this.requireGroup();
    const label = requireString(request, "label");
    const context = fromHex(request.context ?? "", "context");
    const length = Number(request.length);
    if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
      throw new PeerError("length: expected an integer in 0..65535");
    }
    const secret = await mlsExporter(state.keySchedule.exporterSecret, label, context, length, this.cs);
    return { secret: toHex(secret) };
  }
}

const kOps = new Set(["key_package", "create_group", "add", "join", "handle", "send", "epoch", "exporter"]);

async function answer(client, line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `request is not JSON: ${e.message}` };
  }
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    return { ok: false, error: "request is not a JSON object" };
  }
  if (!kOps.has(request.op)) return { ok: false, error: `unknown op ${JSON.stringify(request.op)}` };
  try {
    const fields = await client[request.op](request);
    return { ok: true, ...fields };
  } catch (e) {
    // Errors from ts-mls keep their class name and stack (on stderr): they are
    // what a harness user needs to see when an interop step fails.
    const isOurs = e instanceof PeerError;
    const name = isOurs ? "" : `${e?.name ?? "Error"}: `;
    process.stderr.write(`ts-mls-peer: ${request.op} failed: ${isOurs ? e.message : (e?.stack ?? e)}\n`);
    return { ok: false, error: `${request.op}: ${name}${e?.message ?? String(e)}` };
  }
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`ts-mls-peer: ${e.message}\nusage: ts-mls-peer.mjs [--suite 1|2] [--no-grease]\n`);
    process.exit(2);
  }
  const suiteName = kSuites[options.suite];
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(suiteName));
  const client = new Client(suiteName, cs, options.grease);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // One request at a time, in order: `for await` waits for each answer.
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const reply = await answer(client, line);
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`ts-mls-peer: fatal: ${e?.stack ?? e}\n`);
  process.exit(1);
});
