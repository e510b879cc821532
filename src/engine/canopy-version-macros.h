/* canopy-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

/* Symbols are hidden unless exported here: dllexport while building the DLL,
 * dllimport for its users, nothing for the static library the tools link. */
#if defined (CANOPY_STATIC_COMPILATION)
# define _CANOPY_EXTERN extern
#elif defined (_WIN32) || defined (__CYGWIN__)
# if defined (CANOPY_COMPILATION)
#  define _CANOPY_EXTERN __declspec(dllexport) extern
# else
#  define _CANOPY_EXTERN __declspec(dllimport) extern
# endif
#elif defined (__GNUC__)
# define _CANOPY_EXTERN __attribute__((visibility("default"))) extern
#else
# define _CANOPY_EXTERN extern
#endif

#define CANOPY_AVAILABLE_IN_ALL _CANOPY_EXTERN
