/* canopy-test-alloc.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Counts the malloc/calloc/realloc calls of the calling thread, for tests
 * that hot paths allocate nothing per frame. glibc only (it wraps glibc's
 * allocator); COUNT_ALLOCATIONS is left undefined elsewhere and under
 * AddressSanitizer, and the test skips. Include it in exactly one file of a
 * test program: it defines malloc() and friends.
 *
 *   allocations = 0;
 *   … the hot path …
 *   g_assert_cmpint (allocations, ==, 0);
 *
 * With ALLOC_TRAP set in the environment and trap = TRUE, the first
 * allocation stops in the debugger.
 */

#pragma once

#include <glib.h>

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
# define COUNT_ALLOCATIONS 1

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);
extern void  __libc_free (void *ptr);

/* Only this thread's allocations: GLib and GIO start helper threads of
 * their own at any time. */
static __thread gint allocations;
static gboolean trap;

void *malloc (size_t size);
void *calloc (size_t n, size_t size);
void *realloc (void *ptr, size_t size);
void  free (void *ptr);

void *
malloc (size_t size)
{
  if (allocations++ == 0 && trap)
    G_BREAKPOINT ();
  return __libc_malloc (size);
}

void *
calloc (size_t n,
        size_t size)
{
  allocations++;
  return __libc_calloc (n, size);
}

void *
realloc (void   *ptr,
         size_t  size)
{
  allocations++;
  return __libc_realloc (ptr, size);
}

void
free (void *ptr)
{
  __libc_free (ptr);
}
#endif
