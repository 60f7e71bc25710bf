#!/usr/bin/env python3
"""Writes the seed corpora of fuzz targets app_message and json_object.

The AppMessage seeds are encoded here by hand from the struct in
spec/08-client.md (not by the codec under test); the JSON seeds are the
bodies of the HTTPS API and a few edge cases.
Usage: fuzz/client/make_client_seeds.py   (from the repository root)
"""
import os
import struct


def varint(n):
    if n < 0x40:
        return bytes([n])
    if n < 0x4000:
        return struct.pack(">H", 0x4000 | n)
    return struct.pack(">I", 0x80000000 | n)


def vec(b):
    return varint(len(b)) + b


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


app = "fuzz/corpus/app_message"
write(app, "chat_hi.bin", b"\x01" + vec(b"hi"))
write(app, "chat_utf8.bin", b"\x01" + vec("grüße 👋".encode()))
write(app, "chat_long.bin", b"\x01" + vec(b"x" * 300))
write(app, "file.bin", b"\x02" + vec(b"report.pdf") + struct.pack(">Q", 12345)
      + bytes(range(32)) + vec(b"blob_01-A") + bytes([0xAA] * 32))
write(app, "file_empty.bin", b"\x02" + vec(b"a") + struct.pack(">Q", 0)
      + bytes(32) + vec(b"b") + bytes(32))
write(app, "bad_type.bin", b"\x03" + vec(b"hi"))

js = "fuzz/corpus/json_object"
write(js, "login.json", b'{"username":"ada","password":"secret","totp":"123456"}')
write(js, "token.json", b'{"token":"0a1b2c3d4e5f"}')
write(js, "meeting.json", b'{"title":"Weekly","profile":"open","pin":"0815"}')
write(js, "created.json", b'{"meeting_id":"m-42","invite_token":"aa55","link":"conclave://127.0.0.1:8443/m-42?invite=aa55"}')
write(js, "blob.json", b'{"blob_id":"blob_1"}')
write(js, "types.json", b' { "n" : -9223372036854775808 , "b" : true , "f" : false }\n')
write(js, "escapes.json", b'{"s":"a\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"}')
write(js, "empty.json", b"{}")
write(js, "nested.json", b'{"a":{"b":1}}')

link = "fuzz/corpus/meeting_link"
write(link, "link.txt", b"conclave://127.0.0.1:8443/m-42?invite=a1b2c3d4")
write(link, "link_v6.txt", b"conclave://[::1]:443/Weekly_Review")
write(link, "link_dns.txt", b"conclave://meet.example.org:8443/abc?invite=00FF")
write(link, "server.txt", b"meet.example.org:8443")
write(link, "bad_query.txt", b"conclave://h:1/m?x=1")
