#!/usr/bin/env python3
# Regenerate the seed corpora in tests/fuzz/corpus/ (small, valid inputs
# the fuzzers mutate from).  Run from the repository root.
import os, struct, zlib

def frame(t, payload, crc=None):
    t = struct.unpack('>I', t.encode())[0] if isinstance(t, str) else t
    c = zlib.crc32(payload) if crc is None else crc
    return struct.pack('<IIII', t, len(payload), c, 0) + payload

def put(name, fname, data):
    d = os.path.join('tests/fuzz/corpus', name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), 'wb') as f:
        f.write(data)

stream = (frame('SCST', b'') + frame('SCLG', b'scheduler log line\n') +
          frame('STIM', struct.pack('<IHHIHHQ', 1500, 1, 2, 5, 3, 8, 123456)) +
          frame('LIFE', b'\x05simple') + frame('EXIT', struct.pack('<i', 0)))
badcrc = frame('SOUT', b'hello', crc=1) + frame('EXIT', b'\0\0\0\0')
put('frame_iter', 'stream', b'\x00' + stream)
put('frame_iter', 'badcrc', b'\x00' + badcrc)
put('frame_iter', 'truncated', b'\x00' + stream[:-3])
put('frame_iter', 'oversize', b'\x01' + frame('SOUT', b'x' * 40) + stream)
put('frame_dec', 'stream', b'\x00\x07\x55\x03' + stream)
put('frame_dec', 'oversize', b'\x00\x10\x00\x00' + frame('SOUT', b'y' * 100) + stream)

def ring(cap, frames, start):
    data = bytearray(cap)
    pos = start
    for fr in frames:
        for b in fr:
            data[pos % cap] = b
            pos += 1
    hdr = struct.pack('<IIIBBBBQQQ', 0x53544D52, 1, cap, 0, 0, 0, 0, pos, start, 0)
    return hdr + bytes(data)

frs = [frame('SCLG', b'a' * 30), frame('STIM', b'\1' * 24), frame('EXIT', b'\0' * 4)]
put('gring_drain', 'simple', ring(256, frs, 0))
put('gring_drain', 'wrapped', ring(128, frs, 1000))
put('gring_drain', 'empty', ring(64, [], 64 * 5))

base = b'/tmp/run/coord.failure-dump.json'
def req(rid, kind, tag):
    return struct.pack('<II', rid, kind) + tag.ljust(64, b'\0')[:64]
put('snapshot_req', 'capture', bytes([len(base)]) + base + req(1, 1, b'mid_run'))
put('snapshot_req', 'traversal', bytes([len(base)]) + base + req(2, 2, b'../etc/passwd'))
put('snapshot_req', 'utf8', bytes([len(base)]) + base + req(3, 1, 'café/☃'.encode() + b'\xff'))
put('snapshot_req', 'full-tag', bytes([len(base)]) + base + req(4, 7, b'T' * 64))
