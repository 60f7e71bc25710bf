"""A UDP relay that impairs media between clients and the server's media
port: it loses, duplicates and delays (so reorders) datagrams with a seeded
random generator, in both directions. Each client gets its own upstream
socket, as behind a NAT, so the server sees one address per client.

Loopback only; it runs until stop()."""
import collections
import heapq
import random
import select
import socket
import threading
import time


class ImpairmentProxy:
    def __init__(self, loss=0.05, duplicate=0.02, reorder=0.10, max_delay_ms=40, seed=1):
        self.loss, self.duplicate, self.reorder = loss, duplicate, reorder
        self.max_delay = max_delay_ms / 1000.0
        self.rng = random.Random(seed)
        self.listen = self._socket()
        self.port = self.listen.getsockname()[1]
        self.upstream_addr = None
        self.clients = {}  # client address -> upstream socket
        self.by_socket = {}  # upstream socket -> client address
        self.queue = []  # (due, n, socket, data, address)
        self.n = 0
        self.counts = {"in": 0, "lost": 0, "duplicated": 0, "delayed": 0, "out": 0}
        # The IP TOS bytes seen: clients -> server and server -> clients
        # (DSCP << 2: EF 0xb8, AF41 0x88).
        self.tos_up = collections.Counter()
        self.tos_down = collections.Counter()
        self.stopping = False
        self.thread = None

    @staticmethod
    def _socket():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
        s.bind(("127.0.0.1", 0))
        return s

    def start(self, upstream_port):
        self.upstream_addr = ("127.0.0.1", upstream_port)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping = True
        if self.thread:
            self.thread.join(timeout=5)
        for s in list(self.clients.values()) + [self.listen]:
            s.close()

    def _impair(self, sock, data, addr, now):
        self.counts["in"] += 1
        if self.rng.random() < self.loss:
            self.counts["lost"] += 1
            return
        copies = 2 if self.rng.random() < self.duplicate else 1
        self.counts["duplicated"] += copies - 1
        for _ in range(copies):
            delay = 0.0
            if self.rng.random() < self.reorder:
                delay = self.rng.uniform(0.005, self.max_delay)
                self.counts["delayed"] += 1
            self.n += 1
            heapq.heappush(self.queue, (now + delay, self.n, sock, data, addr))

    def _run(self):
        while not self.stopping:
            now = time.monotonic()
            while self.queue and self.queue[0][0] <= now:
                _, _, sock, data, addr = heapq.heappop(self.queue)
                try:
                    sock.sendto(data, addr)
                    self.counts["out"] += 1
                except OSError:
                    pass
            timeout = 0.05 if not self.queue else max(0.0, self.queue[0][0] - now)
            readable, _, _ = select.select([self.listen] + list(self.by_socket), [], [], min(timeout, 0.05))
            now = time.monotonic()
            for s in readable:
                try:
                    data, ancillary, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(1))
                except OSError:
                    continue
                tos = next((c[2][0] for c in ancillary
                            if c[0] == socket.IPPROTO_IP and c[1] == socket.IP_TOS and c[2]), None)
                if s is self.listen:
                    self.tos_up[tos] += 1
                    up = self.clients.get(addr)
                    if up is None:
                        up = self._socket()
                        self.clients[addr] = up
                        self.by_socket[up] = addr
                    self._impair(up, data, self.upstream_addr, now)
                else:
                    self.tos_down[tos] += 1
                    self._impair(self.listen, data, self.by_socket[s], now)
