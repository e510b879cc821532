/* canopy-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_ERROR (canopy_error_quark ())

/**
 * CanopyError:
 * @CANOPY_ERROR_FAILED: an unspecified failure
 * @CANOPY_ERROR_INVALID_ARGUMENT: a value that CAN cannot carry (an id out
 *   of range, a data length that is not a valid DLC, …)
 * @CANOPY_ERROR_UNKNOWN_INTERFACE: no driver has that interface name
 * @CANOPY_ERROR_NOT_AVAILABLE: the driver exists but cannot be used here
 *   (not built for this system, vendor library missing)
 * @CANOPY_ERROR_SHUT_DOWN: the bus was shut down
 * @CANOPY_ERROR_TIMED_OUT: an operation did not finish in the given time
 * @CANOPY_ERROR_CONFIG: a configuration file could not be read
 * @CANOPY_ERROR_IO: reading or writing a device, file or socket failed
 * @CANOPY_ERROR_CORRUPT: input is malformed; the message names the offset
 * @CANOPY_ERROR_TRUNCATED: input ends in the middle of a record
 * @CANOPY_ERROR_UNSUPPORTED: the operation or format is not supported
 * @CANOPY_ERROR_CONNECTION_LOST: the peer went away
 * @CANOPY_ERROR_REMOTE: the remote end reported an error
 *
 * Error codes of the %CANOPY_ERROR domain.
 */
typedef enum
{
  CANOPY_ERROR_FAILED,
  CANOPY_ERROR_INVALID_ARGUMENT,
  CANOPY_ERROR_UNKNOWN_INTERFACE,
  CANOPY_ERROR_NOT_AVAILABLE,
  CANOPY_ERROR_SHUT_DOWN,
  CANOPY_ERROR_TIMED_OUT,
  CANOPY_ERROR_CONFIG,
  CANOPY_ERROR_IO,
  CANOPY_ERROR_CORRUPT,
  CANOPY_ERROR_TRUNCATED,
  CANOPY_ERROR_UNSUPPORTED,
  CANOPY_ERROR_CONNECTION_LOST,
  CANOPY_ERROR_REMOTE,
} CanopyError;

CANOPY_AVAILABLE_IN_ALL
GQuark canopy_error_quark (void);

G_END_DECLS
