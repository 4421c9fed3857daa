"""Python side of the TensorBoard section (bench/sections/tensorboard.mjs). Protocol:
bench/peer_protocol.py.

The peer is PyTorch's `torch.utils.tensorboard.SummaryWriter.add_scalar` when it imports
(it needs the `tensorboard` Python package, which Debian does not ship). Otherwise it is an
encoder written for this benchmark that does what tensorboardX / torch.utils.tensorboard do
per scalar without their protobuf objects: the Event and Summary messages encoded by hand
(wall_time, step, summary.value {tag, simple_value}), TFRecord framing with the masked
CRC32C of the length and of the payload, computed in pure Python with a byte-at-a-time
table (the fallback both use when no compiled crc32c module is installed), written through
a buffered file. Building protobuf objects costs more than this, so the encoder flatters
the peer.

Commands:
  {"cmd": "write", "dir": path, "count": N}   -> ms to write N scalars and close the file
"""

import os
import struct
import time

from peer_protocol import base_info, clock, serve, since

_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(value):
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def field_bytes(number, payload):
    return varint((number << 3) | 2) + varint(len(payload)) + payload


def scalar_event(tag, value, step, wall_time):
    summary_value = field_bytes(1, tag.encode("utf-8")) + b"\x15" + struct.pack("<f", value)
    summary = field_bytes(1, summary_value)
    event = b"\x09" + struct.pack("<d", wall_time)
    if step:
        event += b"\x10" + varint(step)
    return event + field_bytes(5, summary)


def version_event(wall_time):
    return b"\x09" + struct.pack("<d", wall_time) + field_bytes(3, b"brain.Event:2")


def record(payload):
    header = struct.pack("<Q", len(payload))
    return header + struct.pack("<I", masked_crc32c(header)) + payload + struct.pack("<I", masked_crc32c(payload))


def torch_writer_available():
    try:
        import torch.utils.tensorboard  # noqa: F401

        return True
    except Exception:  # noqa: BLE001
        return False


IMPLEMENTATION = None


def hello(threads):
    global IMPLEMENTATION
    info = base_info(threads)
    if torch_writer_available():
        import torch

        IMPLEMENTATION = "torch.utils.tensorboard"
        info["torch"] = torch.__version__
    else:
        IMPLEMENTATION = "hand-encoded"
    info["implementation"] = IMPLEMENTATION
    return info


def write(cmd):
    directory = cmd["dir"]
    count = cmd["count"]
    os.makedirs(directory, exist_ok=True)
    if IMPLEMENTATION == "torch.utils.tensorboard":
        from torch.utils.tensorboard import SummaryWriter

        start = clock()
        writer = SummaryWriter(directory, max_queue=1000, flush_secs=120)
        for step in range(count):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
        writer.close()
        result = since(start)
    else:
        path = os.path.join(directory, "events.out.tfevents.%d.bench" % int(time.time()))
        start = clock()
        with open(path, "wb") as out:
            out.write(record(version_event(time.time())))
            for step in range(count):
                out.write(record(scalar_event("loss", 1.0 / (step + 1), step, time.time())))
        result = since(start)
    size = 0
    files = []
    for name in os.listdir(directory):
        files.append(os.path.join(directory, name))
        size += os.path.getsize(os.path.join(directory, name))
    result["bytes"] = size
    result["files"] = files
    result["implementation"] = IMPLEMENTATION
    return result


if __name__ == "__main__":
    serve({"write": write}, hello)
