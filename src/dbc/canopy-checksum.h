/* canopy-checksum.h
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

/**
 * CanopyChecksumKind:
 * @CANOPY_CHECKSUM_XOR: the XOR of the bytes (8 bits)
 * @CANOPY_CHECKSUM_SUM: the sum of the bytes modulo 256
 * @CANOPY_CHECKSUM_CRC8_SAE_J1850: CRC-8 SAE J1850: polynomial 0x1D,
 *   initial value and final XOR 0xFF (check value 0x4B)
 * @CANOPY_CHECKSUM_CRC8_H2F: CRC-8H2F of AUTOSAR (E2E profile 2):
 *   polynomial 0x2F, initial value and final XOR 0xFF (check value 0xDF)
 * @CANOPY_CHECKSUM_CRC16_CCITT: CRC-16 CCITT as AUTOSAR's Crc_CalculateCRC16
 *   (CCITT-FALSE): polynomial 0x1021, initial value 0xFFFF, no final XOR
 *   (check value 0x29B1)
 *
 * Checksums a signal-level cyclic task computes for each frame.
 */
typedef enum
{
  CANOPY_CHECKSUM_XOR,
  CANOPY_CHECKSUM_SUM,
  CANOPY_CHECKSUM_CRC8_SAE_J1850,
  CANOPY_CHECKSUM_CRC8_H2F,
  CANOPY_CHECKSUM_CRC16_CCITT,
} CanopyChecksumKind;

CANOPY_AVAILABLE_IN_ALL
guint  canopy_checksum_compute   (CanopyChecksumKind  kind,
                                  const guint8       *data,
                                  gsize               len);
CANOPY_AVAILABLE_IN_ALL
guint  canopy_checksum_get_width (CanopyChecksumKind  kind);

G_END_DECLS
