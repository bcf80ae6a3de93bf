#!/usr/bin/env node
// Runs an ONNX model in the real ONNX Runtime (onnxruntime-node, CPU) for
// the Go tests (internal/ortrun), and prints every output as JSON.
//
//   node tests/onnx/run.js MODEL FEEDS.json [--graph-optimization=LEVEL]
//
// FEEDS.json: {"inputs": {NAME: {"type": T, "dims": [...], "data": [...]}}}
// with T one of float64, float32, int64, string, bool. In float data a JSON
// null is NaN and the strings "Infinity", "-Infinity" (and "NaN") are what
// they say; int64 data may be numbers or decimal strings.
//
// Prints one line: {"outputs": {NAME: {"type", "dims", "data"}}, "inputs":
// [names], "output_names": [names], "input_metadata": [...],
// "output_metadata": [...], "ir_version", "producer_name",
// "producer_version", "opset": {DOMAIN: VERSION}, "metadata": {KEY: VALUE}}.
// Floats are printed so that they parse back to the same float64 (float32
// elements as the float64 of the same value), -0 as -0, NaN as null, ±Inf
// as "Infinity"/"-Infinity"; integers as exact decimal literals; bool as
// true/false. ORT's JavaScript API gives no model metadata, so ir_version,
// producer_*, opset and metadata (metadata_props) are read from the model
// file by the small protobuf reader below, not by ORT.
//
// The session runs on the CPU with one thread and graph optimizations off
// ('disabled', ORT_DISABLE_ALL) by default, so every node runs as exported:
// fusions such as MatMul+Add into Gemm may round differently.
//
// Errors: ORT's message on stderr and exit status 1.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function fail(msg) {
  process.stderr.write(String(msg).replace(/\s+$/, '') + '\n');
  process.exit(1);
}

function parseFloatValue(v, where) {
  if (v === null) return NaN;
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  throw new Error(`${where}: ${JSON.stringify(v)} is not a number, null, "Infinity" or "-Infinity"`);
}

function makeTensor(ort, name, feed) {
  if (feed === null || typeof feed !== 'object') throw new Error(`input ${name}: not an object`);
  const { type, dims, data } = feed;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`input ${name}: dims must be an array of non-negative integers`);
  }
  if (!Array.isArray(data)) throw new Error(`input ${name}: data must be an array`);
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`input ${name}: dims ${JSON.stringify(dims)} hold ${size} elements, data has ${data.length}`);
  }
  const at = (i) => `input ${name}[${i}]`;
  switch (type) {
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(data, (v, i) => parseFloatValue(v, at(i))), dims);
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(data, (v, i) => parseFloatValue(v, at(i))), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(data, (v, i) => {
          if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) {
            return BigInt(v);
          }
          throw new Error(`${at(i)}: ${JSON.stringify(v)} is not an integer`);
        }),
        dims,
      );
    case 'string':
      data.forEach((v, i) => {
        if (typeof v !== 'string') throw new Error(`${at(i)}: ${JSON.stringify(v)} is not a string`);
      });
      return new ort.Tensor('string', data.slice(), dims);
    case 'bool':
      data.forEach((v, i) => {
        if (typeof v !== 'boolean') throw new Error(`${at(i)}: ${JSON.stringify(v)} is not true or false`);
      });
      return new ort.Tensor('bool', Uint8Array.from(data, (v) => (v ? 1 : 0)), dims);
    default:
      throw new Error(`input ${name}: unsupported type ${JSON.stringify(type)} (float64, float32, int64, string, bool)`);
  }
}

// JSON text of a float64 that parses back to the same value.
function floatText(v) {
  if (Number.isNaN(v)) return 'null';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (Object.is(v, -0)) return '-0';
  return JSON.stringify(v); // shortest text that round-trips
}

// JSON text of an output tensor; data elements are written by hand so that
// int64 values stay exact and -0 keeps its sign.
function tensorText(name, t) {
  let items;
  switch (t.type) {
    case 'float64':
    case 'float32':
      items = Array.from(t.data, floatText);
      break;
    case 'int64':
    case 'uint64':
    case 'int32':
    case 'uint32':
    case 'int16':
    case 'uint16':
    case 'int8':
    case 'uint8':
      items = Array.from(t.data, (v) => v.toString());
      break;
    case 'bool':
      items = Array.from(t.data, (v) => (v ? 'true' : 'false'));
      break;
    case 'string':
      items = t.data.map((v) => JSON.stringify(v));
      break;
    default:
      throw new Error(`output ${name}: unsupported type ${t.type}`);
  }
  return `{"type":${JSON.stringify(t.type)},"dims":${JSON.stringify(Array.from(t.dims, Number))},"data":[${items.join(',')}]}`;
}

// A minimal reader of the protobuf wire format, enough for ModelProto's
// top-level fields: ir_version (1), producer_name (2), producer_version (3),
// opset_import (8: domain 1, version 2) and metadata_props (14: key 1,
// value 2).
function readFields(buf, start, end) {
  const fields = [];
  let i = start;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= end) throw new Error('model file: truncated protobuf');
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < end) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      fields.push({ field, wire, value: varint() });
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      if (i + len > end) throw new Error('model file: truncated protobuf');
      fields.push({ field, wire, start: i, end: i + len });
      i += len;
    } else if (wire === 5) {
      i += 4;
    } else {
      throw new Error(`model file: unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}

function modelInfo(buf) {
  const info = { ir_version: 0, producer_name: '', producer_version: '', opset: {}, metadata: {} };
  const str = (f) => buf.toString('utf8', f.start, f.end);
  for (const f of readFields(buf, 0, buf.length)) {
    if (f.field === 1 && f.wire === 0) info.ir_version = Number(f.value);
    else if (f.field === 2 && f.wire === 2) info.producer_name = str(f);
    else if (f.field === 3 && f.wire === 2) info.producer_version = str(f);
    else if ((f.field === 8 || f.field === 14) && f.wire === 2) {
      let a = '';
      let b = f.field === 8 ? 0 : '';
      for (const g of readFields(buf, f.start, f.end)) {
        if (g.field === 1 && g.wire === 2) a = str(g);
        else if (g.field === 2 && f.field === 8 && g.wire === 0) b = Number(g.value);
        else if (g.field === 2 && f.field === 14 && g.wire === 2) b = str(g);
      }
      if (f.field === 8) info.opset[a] = b;
      else info.metadata[a] = b;
    }
  }
  return info;
}

function valueMetadata(list) {
  return list.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor' }));
}

async function main() {
  const args = process.argv.slice(2);
  let level = 'disabled';
  const pos = [];
  for (const a of args) {
    const m = /^--graph-optimization=(disabled|basic|extended|layout|all)$/.exec(a);
    if (m) level = m[1];
    else if (a.startsWith('--')) fail(`unknown option ${a} (--graph-optimization=disabled|basic|extended|layout|all)`);
    else pos.push(a);
  }
  if (pos.length !== 2) fail('usage: node tests/onnx/run.js MODEL FEEDS.json [--graph-optimization=LEVEL]');
  const [modelPath, feedsPath] = pos;

  let ort;
  try {
    ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));
  } catch (e) {
    fail(`onnxruntime-node does not load (npm ci --ignore-scripts --prefix tests/onnx): ${e.message}`);
  }

  let feeds;
  let info;
  let session;
  try {
    const doc = JSON.parse(fs.readFileSync(feedsPath, 'utf8'));
    if (doc === null || typeof doc.inputs !== 'object' || doc.inputs === null) {
      throw new Error(`${feedsPath}: want {"inputs": {NAME: {"type", "dims", "data"}}}`);
    }
    feeds = {};
    for (const [name, feed] of Object.entries(doc.inputs)) feeds[name] = makeTensor(ort, name, feed);
    const bytes = fs.readFileSync(modelPath);
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: level,
      logSeverityLevel: 3,
    });
    info = modelInfo(bytes); // after ORT, whose message on a bad file comes first
  } catch (e) {
    fail(e.message);
  }
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(e.message);
  }
  const outs = session.outputNames.map((n) => `${JSON.stringify(n)}:${tensorText(n, results[n])}`);
  process.stdout.write(
    `{"outputs":{${outs.join(',')}}` +
      `,"inputs":${JSON.stringify(session.inputNames)}` +
      `,"output_names":${JSON.stringify(session.outputNames)}` +
      `,"input_metadata":${JSON.stringify(valueMetadata(session.inputMetadata))}` +
      `,"output_metadata":${JSON.stringify(valueMetadata(session.outputMetadata))}` +
      `,"ir_version":${info.ir_version}` +
      `,"producer_name":${JSON.stringify(info.producer_name)}` +
      `,"producer_version":${JSON.stringify(info.producer_version)}` +
      `,"opset":${JSON.stringify(info.opset)}` +
      `,"metadata":${JSON.stringify(info.metadata)}}\n`,
  );
  await session.release();
}

main().catch((e) => fail(e && e.message ? e.message : e));
