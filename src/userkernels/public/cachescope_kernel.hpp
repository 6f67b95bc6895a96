// cachescope_kernel.hpp: the one header a student's kernel includes.
// Standard library only; compiled by `cachescope kernel build FILE.cpp`
// (which puts this header on the include path), loaded with
// `--plugin FILE.cpp|FILE.so` and named `user.NAME`.
//
// Write the loop nest once, as a template over an access policy `Acc`, and
// make every load and store of the matrices through it, exactly as the
// built-in kernels do:
//
//   #include "cachescope_kernel.hpp"
//
//   template <class Acc>
//   void mine(Acc& acc, int n, const float* A, const float* B, float* C) {
//     for (int i = 0; i < n; ++i) {
//       acc.outer(i);                       // optional: the outer loop's iteration
//       for (int j = 0; j < n; ++j) {
//         float sum = 0;
//         acc.line(__LINE__ + 2);           // optional: the code line shown in the Access view
//         for (int k = 0; k < n; ++k)
//           sum += acc.load(&A[i * n + k]) * acc.load(&B[k * n + j]);
//         acc.store(&C[i * n + j], sum);
//       }
//     }
//   }
//   CACHESCOPE_KERNEL(mine, mine)          // exports it as user.mine
//
// Compiled once, the shared object holds two versions of the same nest:
// `Direct` (plain loads and stores: the timed run) and `Traced` (each load
// and store is also reported to cachescope's cache simulator and the Access
// animation). So your nest gets hit rates, miss classes and the animation
// like the built-in kernels.
//
// Kernels and their signatures (all matrices n x n fp32, row-major, leading
// dimension n; C is not zeroed for you):
//   matmul  C = A x B:        f(acc, n, A, B, C)   or plain  f(n, A, B, C)
//   relu    y = max(x, 0):    f(acc, n, x, y)      or plain  f(n, x, y)
// A plain function (no `acc`) is accepted too: it is timed and verified but
// cannot be traced.
//
// The policy's members (both policies have all of them):
//   acc.load(p)          returns *p          (a read of sizeof(*p) bytes)
//   acc.store(p, v)      *p = v              (a write)
//   acc.outer(i)         iteration i of the outermost loop starts (0, 1, ...)
//   acc.point(i, j, k)   an inner iteration starts (the animation's cursor)
//   acc.line(l)          the following accesses belong to source line l
//                        (`acc.line(__LINE__)` names the line it is on)
//   acc.poll(work)       nothing; kept for the built-ins' shape
// Only loads and stores made through `acc` are traced: a copy through a
// local pointer or memcpy is timed but invisible to the simulator.
//
// Rules of the game: your kernel runs in a separate process with a time and
// memory limit; before it is timed its result is checked against a
// reference on awkward sizes (1, 7, 33, 65, 100, and the size asked for), so
// it must handle any n, not only powers of two. A wrong kernel is never timed.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

// ---- The binary interface between a kernel's shared object and cachescope.
// (What the macro fills in; a kernel's author never uses it directly.)
extern "C" {

#define CACHESCOPE_KERNEL_ABI 1

// A batch of references, filled by Traced and handed to cachescope by
// flush(); mark() reports outer/point/line marks (after a flush).
struct cachescope_trace_v1 {
  std::uint64_t* address;  // capacity entries
  std::uint8_t* flags;     // bit 0: write; bits 1-2: log2 of the size in bytes
  std::uint32_t count;     // entries filled
  std::uint32_t capacity;
  int want_marks;          // point/line marks wanted (the animation)
  void* context;
  void (*flush)(cachescope_trace_v1* trace);
  void (*mark)(cachescope_trace_v1* trace, int kind, int a, int b, int c);  // kind: 0 point, 1 line, 2 outer
};

enum { CACHESCOPE_FAMILY_MATMUL = 1, CACHESCOPE_FAMILY_RELU = 2 };

struct cachescope_kernel_v1 {
  int abi;              // CACHESCOPE_KERNEL_ABI
  const char* name;     // the NAME of user.NAME
  int family;           // CACHESCOPE_FAMILY_*
  int traced;           // 1: written over the access policy
  const char* source;   // __FILE__ of the exporting file (the Access view's code text)
  // matmul: (n, A, B, C); relu: (n, x, nullptr, y).
  void (*run)(int n, const float* a, const float* b, float* c);
  void (*trace)(cachescope_trace_v1* trace, int n, const float* a, const float* b, float* c);  // null: untraced
};

// The symbol cachescope looks up in the shared object: cachescope_kernel_entry_v1.
#define CACHESCOPE_KERNEL_SYMBOL "cachescope_kernel_entry_v1"
typedef const cachescope_kernel_v1* (*cachescope_kernel_v1_fn)(void);
}

namespace cachescope_user {

// The plain policy: compiles to the loop you wrote.
struct Direct {
  template <class T>
  static T load(const T* p) {
    return *p;
  }
  template <class T, class V>
  static void store(T* p, V v) {
    *p = static_cast<T>(v);
  }
  static void outer(int) {}
  static void point(int, int, int) {}
  static void line(int) {}
  static void poll(std::int64_t) {}
};

// The tracing policy: the same loads and stores, each also put in a batch
// that cachescope's simulator reads.
class Traced {
 public:
  explicit Traced(cachescope_trace_v1* t) : t_(t) {}
  template <class T>
  [[gnu::always_inline]] T load(const T* p) {
    push(p, sizeof(T), 0);
    return *p;
  }
  template <class T, class V>
  [[gnu::always_inline]] void store(T* p, V v) {
    push(p, sizeof(T), 1);
    *p = static_cast<T>(v);
  }
  void outer(int o) { t_->mark(t_, 2, o, 0, 0); }
  [[gnu::always_inline]] void point(int i, int j, int k) {
    if (t_->want_marks) [[unlikely]]
      t_->mark(t_, 0, i, j, k);
  }
  [[gnu::always_inline]] void line(int l) {
    if (t_->want_marks) [[unlikely]]
      t_->mark(t_, 1, l, 0, 0);
  }
  static void poll(std::int64_t) {}

 private:
  template <class T>
  [[gnu::always_inline]] void push(const T* p, std::uint32_t size, std::uint8_t write) {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8,
                  "traced elements are 1, 2, 4 or 8 bytes");
    constexpr std::uint8_t lg = sizeof(T) == 8 ? 3 : sizeof(T) == 4 ? 2 : sizeof(T) == 2 ? 1 : 0;
    (void)size;
    t_->address[t_->count] = reinterpret_cast<std::uintptr_t>(p);
    t_->flags[t_->count] = std::uint8_t(lg << 1 | write);
    if (++t_->count == t_->capacity) [[unlikely]]
      t_->flush(t_);
  }
  cachescope_trace_v1* t_;
};

namespace detail {
template <class F>
constexpr bool matmulNest = requires(F f, Direct& d, Traced& t, int n, const float* a, float* c) {
  f(d, n, a, a, c);
  f(t, n, a, a, c);
};
template <class F>
constexpr bool matmulPlain = requires(F f, int n, const float* a, float* c) { f(n, a, a, c); };
template <class F>
constexpr bool reluNest = requires(F f, Direct& d, Traced& t, int n, const float* a, float* c) {
  f(d, n, a, c);
  f(t, n, a, c);
};
template <class F>
constexpr bool reluPlain = requires(F f, int n, const float* a, float* c) { f(n, a, c); };

template <class F>
struct Export {
  static constexpr bool nest = matmulNest<F> || reluNest<F>;
  static constexpr bool matmul = matmulNest<F> || (!reluNest<F> && matmulPlain<F>);
  static_assert(matmulNest<F> || matmulPlain<F> || reluNest<F> || reluPlain<F>,
                "CACHESCOPE_KERNEL: the function must be f(acc, n, A, B, C) or f(n, A, B, C) (matmul), "
                "or f(acc, n, x, y) or f(n, x, y) (relu); see cachescope_kernel.hpp");
  static void run(int n, const float* a, const float* b, float* c) {
    F f;
    if constexpr (matmulNest<F>) {
      Direct d;
      f(d, n, a, b, c);
    } else if constexpr (reluNest<F>) {
      Direct d;
      (void)b;
      f(d, n, a, c);
    } else if constexpr (matmulPlain<F>) {
      f(n, a, b, c);
    } else {
      (void)b;
      f(n, a, c);
    }
  }
  static void trace(cachescope_trace_v1* t, int n, const float* a, const float* b, float* c) {
    F f;
    Traced acc(t);
    if constexpr (matmulNest<F>) {
      f(acc, n, a, b, c);
    } else if constexpr (reluNest<F>) {
      (void)b;
      f(acc, n, a, c);
    }
  }
};
}  // namespace detail
}  // namespace cachescope_user

// Exports `function` (a function template over the policy, or a plain
// function) as the kernel user.NAME. NAME: letters, digits and _. One per
// shared object.
#define CACHESCOPE_KERNEL(NAME, function)                                                                 \
  namespace {                                                                                             \
  struct cachescope_forward_##NAME {                                                                      \
    template <class... X>                                                                                 \
    auto operator()(X&&... x) const -> decltype(function(std::forward<X>(x)...)) {                        \
      return function(std::forward<X>(x)...);                                                             \
    }                                                                                                     \
  };                                                                                                      \
  }                                                                                                       \
  extern "C" __attribute__((visibility("default"))) const cachescope_kernel_v1* cachescope_kernel_entry_v1(void) { \
    using E = ::cachescope_user::detail::Export<cachescope_forward_##NAME>;                              \
    static const ::cachescope_kernel_v1 k = {CACHESCOPE_KERNEL_ABI, #NAME,                                \
                                             E::matmul ? CACHESCOPE_FAMILY_MATMUL : CACHESCOPE_FAMILY_RELU, \
                                             E::nest ? 1 : 0, __FILE__, &E::run, E::nest ? &E::trace : nullptr}; \
    return &k;                                                                                            \
  }
