// TlsStream: an Asio stream that runs a crypto::TlsEngine over a TCP socket,
// so Beast's HTTP and WebSocket code runs over TLS 1.3 without this folder
// touching BoringSSL (REQ-CRYPTO-001; the engine's header says why we do not
// use boost::asio::ssl::stream). Internal to src/net and its tests.
//
// Model: one socket writer. Every operation hands the ciphertext the engine
// produced to pump(), which writes it in order, one async_write at a time. A
// user write completes when the ciphertext it produced has reached the
// socket, so a peer that does not read stalls the writer (the server's send
// queue then overflows: REQ-NET-005). Reads feed socket bytes to the engine
// until it yields plaintext. At most one read and one write operation are in
// flight at a time (Beast's contract), all on one executor.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <optional>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/tls/tls_engine.h"

namespace conclave::net::detail {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

// Plaintext taken into the engine per write operation, which bounds the
// ciphertext buffered per connection.
inline constexpr size_t kMaxWriteChunk = size_t{256} << 10;
// Socket bytes read per receive.
inline constexpr size_t kReadChunk = size_t{32} << 10;

// to_error_code maps an engine error onto the error_code Beast expects:
// close_notify is end of stream, anything else a protocol error. The
// conclave::Error itself stays in TlsStream::last_error().
inline error_code to_error_code(const Error& e) {
  if (e.code == Err::kConnectionClosed) {
    return asio::error::eof;
  }
  return boost::system::errc::make_error_code(boost::system::errc::protocol_error);
}

// TlsStreamState is shared between the stream and its in-flight operations,
// so an operation that completes after the stream was destroyed (with
// operation_aborted) still finds valid memory.
struct TlsStreamState {
  TlsStreamState(asio::ip::tcp::socket s, std::unique_ptr<crypto::TlsEngine> e)
      : socket(std::move(s)), engine(std::move(e)), drained(socket.get_executor()) {
    // The timer never expires: cancel() is the "output drained" signal.
    drained.expires_at(asio::steady_timer::time_point::max());
  }

  asio::ip::tcp::socket socket;
  std::unique_ptr<crypto::TlsEngine> engine;
  std::array<uint8_t, kReadChunk> in_buf{};
  Bytes inflight;
  bool writing = false;
  error_code write_error;
  asio::steady_timer drained;
  std::optional<Error> tls_error;
};

// pump writes the engine's pending output, one async_write at a time, and
// wakes the waiters on `drained` when nothing is left (or a write failed).
inline void pump(const std::shared_ptr<TlsStreamState>& s) {
  if (s->writing) {
    return;
  }
  if (s->write_error || !s->engine->has_output()) {
    s->drained.cancel();
    return;
  }
  s->inflight = s->engine->take_output();
  s->writing = true;
  asio::async_write(s->socket, asio::buffer(s->inflight), [s](error_code ec, size_t) {
    s->writing = false;
    s->inflight.clear();
    if (ec) {
      s->write_error = ec;
      s->drained.cancel();
      return;
    }
    pump(s);
  });
}

class TlsStream {
 public:
  using executor_type = asio::any_io_executor;
  using next_layer_type = asio::ip::tcp::socket;

  TlsStream(asio::ip::tcp::socket socket, std::unique_ptr<crypto::TlsEngine> engine)
      : s_(std::make_shared<TlsStreamState>(std::move(socket), std::move(engine))) {}
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;
  ~TlsStream() {
    error_code ignored;
    s_->socket.close(ignored);
  }

  executor_type get_executor() { return s_->socket.get_executor(); }
  next_layer_type& next_layer() { return s_->socket; }
  crypto::TlsEngine& engine() { return *s_->engine; }
  const crypto::TlsEngine& engine() const { return *s_->engine; }
  // last_error is the engine error that failed an operation, if any.
  const std::optional<Error>& last_error() const { return s_->tls_error; }

  template <class Token>
  auto async_handshake(Token&& token) {
    return asio::async_compose<Token, void(error_code)>(HandshakeOp{s_}, token, s_->socket);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_compose<Token, void(error_code, size_t)>(ReadOp{s_, first_nonempty(buffers)},
                                                                token, s_->socket);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_compose<Token, void(error_code, size_t)>(WriteOp<ConstBuffers>{s_, buffers},
                                                                token, s_->socket);
  }

  // async_shutdown sends close_notify, waits until it is written and closes
  // the socket. It always succeeds: the connection is over either way.
  template <class Token>
  auto async_shutdown(Token&& token) {
    return asio::async_compose<Token, void(error_code)>(ShutdownOp{s_, true}, token, s_->socket);
  }

  // async_close_notify sends close_notify and waits until it is written; the
  // socket stays open (for a lingering close). Fails only if writing failed.
  template <class Token>
  auto async_close_notify(Token&& token) {
    return asio::async_compose<Token, void(error_code)>(ShutdownOp{s_, false}, token, s_->socket);
  }

 private:
  enum class Step { kStart, kRun, kSocketRead, kDrain, kDone };

  template <class Buffers>
  static asio::mutable_buffer first_nonempty(const Buffers& buffers) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
         ++it) {
      asio::mutable_buffer b(*it);
      if (b.size() > 0) {
        return b;
      }
    }
    return {};
  }

  struct HandshakeOp {
    std::shared_ptr<TlsStreamState> s;
    Step step = Step::kStart;
    error_code result{};

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0) {
      switch (step) {
        case Step::kStart:
          // Every operation starts with a post, so no handler ever runs
          // inside the function that started it.
          step = Step::kRun;
          asio::post(s->socket.get_executor(), std::move(self));
          return;
        case Step::kSocketRead:
          if (ec) {
            return self.complete(ec);
          }
          s->engine->put_input(ByteView(s->in_buf.data(), n));
          break;
        case Step::kDrain:
          if (s->writing && !s->write_error) {
            s->drained.async_wait(std::move(self));
            return;
          }
          return self.complete(result);
        case Step::kRun:
        case Step::kDone:
          break;
      }
      const Result<crypto::TlsEngine::Status> r = s->engine->handshake();
      pump(s);
      if (!r) {
        // Let the alert reach the peer before reporting the failure.
        s->tls_error = r.error();
        result = to_error_code(r.error());
        step = Step::kDrain;
        asio::post(s->socket.get_executor(), std::move(self));
        return;
      }
      if (*r == crypto::TlsEngine::Status::kDone) {
        step = Step::kDone;
        return self.complete(error_code{});
      }
      step = Step::kSocketRead;
      s->socket.async_read_some(asio::buffer(s->in_buf), std::move(self));
    }
  };

  struct ReadOp {
    std::shared_ptr<TlsStreamState> s;
    asio::mutable_buffer buf;
    Step step = Step::kStart;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0) {
      switch (step) {
        case Step::kStart:
          step = Step::kRun;
          asio::post(s->socket.get_executor(), std::move(self));
          return;
        case Step::kSocketRead:
          if (ec) {
            return self.complete(ec, 0);
          }
          s->engine->put_input(ByteView(s->in_buf.data(), n));
          break;
        case Step::kRun:
        case Step::kDrain:
        case Step::kDone:
          break;
      }
      if (buf.size() == 0) {
        return self.complete(error_code{}, 0);
      }
      const Result<size_t> r =
          s->engine->read(MutableByteView(static_cast<uint8_t*>(buf.data()), buf.size()));
      pump(s);  // a KeyUpdate or an alert may need an answer
      if (!r) {
        s->tls_error = r.error();
        return self.complete(to_error_code(r.error()), 0);
      }
      if (*r > 0) {
        return self.complete(error_code{}, *r);
      }
      step = Step::kSocketRead;
      s->socket.async_read_some(asio::buffer(s->in_buf), std::move(self));
    }
  };

  template <class ConstBuffers>
  struct WriteOp {
    std::shared_ptr<TlsStreamState> s;
    ConstBuffers buffers;
    Step step = Step::kStart;
    size_t written = 0;

    template <class Self>
    void operator()(Self& self, error_code = {}, size_t = 0) {
      switch (step) {
        case Step::kStart:
          step = Step::kRun;
          asio::post(s->socket.get_executor(), std::move(self));
          return;
        case Step::kRun:
          if (!encrypt()) {
            return self.complete(to_error_code(*s->tls_error), 0);
          }
          pump(s);
          step = Step::kDrain;
          break;
        case Step::kDrain:
        case Step::kSocketRead:
        case Step::kDone:
          break;
      }
      if (s->write_error) {
        return self.complete(s->write_error, 0);
      }
      if (s->writing) {
        s->drained.async_wait(std::move(self));
        return;
      }
      self.complete(error_code{}, written);
    }

    bool encrypt() {
      for (auto it = asio::buffer_sequence_begin(buffers);
           it != asio::buffer_sequence_end(buffers) && written < kMaxWriteChunk; ++it) {
        asio::const_buffer b(*it);
        const size_t take = std::min(b.size(), kMaxWriteChunk - written);
        const Result<void> r =
            s->engine->write(ByteView(static_cast<const uint8_t*>(b.data()), take));
        if (!r) {
          s->tls_error = r.error();
          return false;
        }
        written += take;
      }
      return true;
    }
  };

  struct ShutdownOp {
    std::shared_ptr<TlsStreamState> s;
    bool close_socket;
    Step step = Step::kStart;

    template <class Self>
    void operator()(Self& self, error_code = {}, size_t = 0) {
      if (step == Step::kStart) {
        step = Step::kDrain;
        if (s->engine->handshake_done()) {
          s->engine->close_notify();
        }
        pump(s);
        asio::post(s->socket.get_executor(), std::move(self));
        return;
      }
      if (s->writing && !s->write_error) {
        s->drained.async_wait(std::move(self));
        return;
      }
      if (!close_socket) {
        return self.complete(s->write_error);
      }
      error_code ignored;
      s->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      s->socket.close(ignored);
      self.complete(error_code{});
    }
  };

  std::shared_ptr<TlsStreamState> s_;
};

// Beast's WebSocket stream tears its transport down through these (found by
// argument-dependent lookup): close_notify, then close the socket.
inline void teardown(boost::beast::role_type, TlsStream& stream, error_code& ec) {
  stream.next_layer().close(ec);
}

template <class Handler>
void async_teardown(boost::beast::role_type, TlsStream& stream, Handler&& handler) {
  stream.async_shutdown(std::forward<Handler>(handler));
}

}  // namespace conclave::net::detail
