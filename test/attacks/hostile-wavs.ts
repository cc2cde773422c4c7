// Hostile inputs for the attack suite: WAV headers with every field at its extremes, truncations at every header
// offset, float samples that are NaN or infinite, and file-system entries that only look like clips (FIFOs,
// sockets, links to devices, folders and nowhere, names that are not UTF-8). Each says whether audiogen must refuse
// it (and the reason it must give) or read it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WavSpec {
  magic?: 'RIFF' | 'RIFX' | 'RF64';
  /** The RIFF size field (default: the real size). */
  riffSize?: number;
  tag?: number;
  channels?: number;
  rate?: number;
  blockAlign?: number;
  bits?: number;
  /** The data chunk's size field (default: the bytes given). */
  dataSize?: number;
  data?: Buffer;
  /** RF64: the 64-bit data size of a ds64 chunk before fmt. */
  ds64?: bigint;
  /** Bytes of a fmt chunk's size field (default 16). */
  fmtSize?: number;
}

/** 100 ms of a 440 Hz tone as 16-bit PCM at 16 kHz: the samples of the default spec. */
export function tonePcm16(frames = 1600, channels = 1): Buffer {
  const b = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    for (let c = 0; c < channels; c++) b.writeInt16LE(v, 2 * (i * channels + c));
  }
  return b;
}

/** A WAV file whose header fields are whatever the spec says (sizes default to the true ones). */
export function wav(spec: WavSpec = {}): Buffer {
  const magic = spec.magic ?? 'RIFF';
  const le = magic !== 'RIFX';
  const channels = spec.channels ?? 1;
  const bits = spec.bits ?? 16;
  const rate = spec.rate ?? 16000;
  const blockAlign = spec.blockAlign ?? channels * Math.ceil(bits / 8);
  const data = spec.data ?? tonePcm16();
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const fmtBody = Buffer.concat([
    u16(spec.tag ?? 1),
    u16(channels),
    u32(rate),
    u32((rate * blockAlign) >>> 0),
    u16(blockAlign),
    u16(bits),
  ]);
  const chunks: Buffer[] = [];
  if (spec.ds64 !== undefined) {
    const ds64 = Buffer.alloc(28);
    ds64.writeBigUInt64LE(0n, 0);
    ds64.writeBigUInt64LE(spec.ds64, 8);
    chunks.push(Buffer.from('ds64'), u32(28), ds64);
  }
  chunks.push(Buffer.from('fmt '), u32(spec.fmtSize ?? 16), fmtBody);
  chunks.push(Buffer.from('data'), u32(spec.dataSize ?? data.length), data);
  const body = Buffer.concat(chunks);
  return Buffer.concat([Buffer.from(magic), u32(spec.riffSize ?? 4 + body.length), Buffer.from('WAVE'), body]);
}

/** Interleaved float samples as a float WAV (format tag 3), with `poison` written at frame 5 of the last channel. */
export function floatWav(
  kind: 'float32' | 'float64',
  poison: number,
  opts: { channels?: number; bigEndian?: boolean } = {},
): Buffer {
  const channels = opts.channels ?? 1;
  const width = kind === 'float32' ? 4 : 8;
  const frames = 1600;
  const data = Buffer.alloc(frames * channels * width);
  const write = (v: number, at: number) => {
    if (kind === 'float32') opts.bigEndian ? data.writeFloatBE(v, at) : data.writeFloatLE(v, at);
    else opts.bigEndian ? data.writeDoubleBE(v, at) : data.writeDoubleLE(v, at);
  };
  for (let i = 0; i < frames * channels; i++) write(0.25 * Math.sin(i / 7), i * width);
  write(poison, (5 * channels + channels - 1) * width);
  return wav({ magic: opts.bigEndian ? 'RIFX' : 'RIFF', tag: 3, bits: width * 8, channels, data });
}

export interface HostileWav {
  name: string;
  bytes: Buffer;
  /** The reason the WavError must give, or null for a file that must be read. */
  bad: RegExp | null;
}

/** Every header field at its extremes, truncations, streaming sizes, RF64 and float poison: bytes and verdicts. */
export function hostileWavs(): HostileWav[] {
  const out: HostileWav[] = [];
  const add = (name: string, bytes: Buffer, bad: RegExp | null) => out.push({ name: `${name}.wav`, bytes, bad });
  const rate = /bad header: sample rate \d+ Hz \(audiogen reads 1000 to 768000 Hz\)/;
  for (const r of [0, 1, 999, 768001, 0xffffffff, 0xfffffff0]) add(`rate-${r}`, wav({ rate: r }), rate);
  // The 10-12 GB allocations of the issue: 64k frames at 1 Hz, and the rates whose resampling filter explodes.
  add('rate-1-64k-frames', wav({ rate: 1, bits: 8, data: Buffer.alloc(65536, 128) }), rate);
  add('rate-1000', wav({ rate: 1000 }), null);
  add('rate-768000', wav({ rate: 768000, data: tonePcm16(7680) }), null);
  add('channels-0', wav({ channels: 0, blockAlign: 2 }), /bad header: 0 channels/);
  add(
    'channels-65',
    wav({ channels: 65, data: tonePcm16(100, 65) }),
    /bad header: 65 channels \(audiogen reads at most 64\)/,
  );
  add(
    'channels-65535',
    wav({ channels: 65535, bits: 8, data: Buffer.alloc(65535 * 2, 128) }),
    /bad header: 65535 channels/,
  );
  add('channels-64', wav({ channels: 64, data: tonePcm16(100, 64) }), null);
  add('bits-0', wav({ bits: 0, blockAlign: 2 }), /bad header: 0 bits per sample/);
  add('bits-7', wav({ bits: 7, data: Buffer.alloc(1600, 140) }), null);
  add('bits-33', wav({ bits: 33, data: Buffer.alloc(1600 * 5) }), null);
  add('bits-65535', wav({ bits: 65535, blockAlign: 2 }), /unsupported codec: 65535-bit integer PCM/);
  for (const a of [0, 1, 3, 65535])
    add(`block-align-${a}`, wav({ blockAlign: a }), /bad header: block align \d+ does not match/);
  add('float-bits-16', wav({ tag: 3, bits: 16 }), /unsupported codec: 16-bit IEEE float/);
  add('data-size-0', wav({ dataSize: 0 }), /no audio: data chunk holds 0 whole frames/);
  add('data-size-ffffffff', wav({ dataSize: 0xffffffff }), null); // the streaming sentinel: data runs to the end
  add('data-size-0-riff-ffffffff', wav({ dataSize: 0, riffSize: 0xffffffff }), null); // the other sentinel
  add('data-size-huge', wav({ dataSize: 0x7fffffff }), /truncated: data chunk declares 2147483647 bytes, 3200 present/);
  add('data-size-fffffffe', wav({ dataSize: 0xfffffffe }), /truncated: data chunk declares 4294967294 bytes/);
  add(
    'fmt-size-ffffffff',
    wav({ fmtSize: 0xffffffff }),
    /truncated: 'fmt ' chunk at byte 12 declares 4294967295 bytes/,
  );
  add(
    'rf64-huge-ds64',
    wav({ magic: 'RF64', dataSize: 0xffffffff, ds64: 2n ** 62n }),
    /truncated: data chunk declares \d+ bytes, 3200 present/,
  );
  add(
    'rf64-max-ds64',
    wav({ magic: 'RF64', dataSize: 0xffffffff, ds64: 2n ** 64n - 1n }),
    /truncated: data chunk declares \d+ bytes, 3200 present/,
  );
  add('rf64-no-ds64', wav({ magic: 'RF64', dataSize: 0xffffffff }), /bad header: RF64 data chunk needs a ds64 chunk/);
  // More than an hour of real audio (at the lowest rate, so the file stays 3.6 MB).
  add(
    'hour-and-a-second',
    wav({ rate: 1000, bits: 8, data: Buffer.alloc(3601 * 1000, 128) }),
    /too long: 1\.00 hours of audio \(3601000 frames at 1000 Hz\); audiogen reads at most 1 hour per file/,
  );
  const good = wav();
  for (let cut = 0; cut <= 44; cut++) {
    add(
      `truncated-at-${String(cut).padStart(2, '0')}`,
      good.subarray(0, cut),
      /not a WAV file|truncated|no fmt chunk|no data chunk|bad header|no audio/,
    );
  }
  add('truncated-in-data', good.subarray(0, 1000), /truncated: data chunk declares 3200 bytes, 956 present/);
  for (const [label, v] of [
    ['nan', NaN],
    ['inf', Infinity],
    ['minus-inf', -Infinity],
  ] as const) {
    const what = Number.isNaN(v) ? 'NaN' : v > 0 ? '\\+Inf' : '-Inf';
    add(`float32-${label}`, floatWav('float32', v), new RegExp(`sample 5 of channel 0 is ${what}`));
    add(
      `float64-stereo-${label}`,
      floatWav('float64', v, { channels: 2 }),
      new RegExp(`sample 5 of channel 1 is ${what}`),
    );
  }
  add(
    'float64-beyond-float32',
    floatWav('float64', 1e300),
    /sample 5 of channel 0 is 1e\+300, beyond the float32 range/,
  );
  add('rifx-float32-nan', floatWav('float32', NaN, { bigEndian: true }), /sample 5 of channel 0 is NaN/);
  add('float32-finite', floatWav('float32', 0.5), null);
  return out;
}

/** A byte name that is not UTF-8 ("caf\xe9.wav" in Latin-1). */
export const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x77, 0x61, 0x76]);

export interface PlantedEntries {
  /** Expected bad files, relative to the dataset (as the manifest names them), with their reasons. */
  bad: Map<string, RegExp>;
  /** Entries that are not files (folders, links to folders): neither samples nor bad files. */
  ignored: string[];
}

/**
 * Plants, in `dir/<folder>`, entries that look like clips but are not regular files, or cannot be named: a FIFO, a
 * socket, a link to a FIFO, a dangling link, a link to a folder, and a file and a folder whose names are not UTF-8.
 * `folder` is the name the manifest uses for that folder (relative to the dataset).
 */
export function plantEntries(dir: string, folder: string, shownFolder = folder): PlantedEntries {
  const at = join(dir, folder);
  mkdirSync(at, { recursive: true });
  const bad = new Map<string, RegExp>();
  execFileSync('mkfifo', [join(at, 'pipe.wav')]);
  bad.set(`${shownFolder}/pipe.wav`, /is a FIFO \(named pipe\), not a regular file/);
  execFileSync('python3', [
    '-c',
    'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    join(at, 'sock.wav'),
  ]);
  bad.set(`${shownFolder}/sock.wav`, /is a socket, not a regular file/);
  // The FIFO a link points to lives in a hidden folder, so the link is what the listing meets.
  mkdirSync(join(at, '.fifos'));
  execFileSync('mkfifo', [join(at, '.fifos', 'target')]);
  symlinkSync(join(at, '.fifos', 'target'), join(at, 'link-to-fifo.wav'));
  bad.set(`${shownFolder}/link-to-fifo.wav`, /is a symlink to a FIFO \(named pipe\)/);
  symlinkSync(join(at, 'nowhere.wav'), join(at, 'dangling.wav'));
  bad.set(`${shownFolder}/dangling.wav`, /is a dangling symlink/);
  symlinkSync(at, join(at, 'link-to-folder.wav'));
  writeFileSync(Buffer.concat([Buffer.from(`${at}/`), LATIN1_NAME]), wav());
  bad.set(
    `${shownFolder}/caf\\xe9.wav`,
    /the file name is not valid UTF-8 \(bytes 63 61 66 e9 2e 77 61 76\); rename it/,
  );
  const badFolder = Buffer.concat([Buffer.from(`${at}/`), Buffer.from([0x64, 0x69, 0x72, 0xff])]);
  mkdirSync(badFolder);
  writeFileSync(Buffer.concat([badFolder, Buffer.from('/inside.wav')]), wav());
  bad.set(
    `${shownFolder}/dir\\xff`,
    /the folder name is not valid UTF-8 \(bytes 64 69 72 ff\); none of its files were read/,
  );
  writeFileSync(join(at, 'empty.wav'), '');
  bad.set(`${shownFolder}/empty.wav`, /not a WAV file: empty/);
  return { bad, ignored: [`${shownFolder}/link-to-folder.wav`] };
}
