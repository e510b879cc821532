/* canopy.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define CANOPY_INSIDE

#include "canopy-version-macros.h"

#include "canopy-enums.h"
#include "canopy-error.h"
#include "canopy-message.h"
#include "canopy-filter.h"
#include "canopy-frame-item.h"
#include "canopy-bus-statistics.h"
#include "canopy-bus.h"
#include "canopy-interface-info.h"
#include "canopy-cyclic-task.h"
#include "canopy-config.h"
#include "canopy-listener.h"
#include "canopy-buffered-reader.h"
#include "canopy-redirect-reader.h"
#include "canopy-notifier.h"
#include "canopy-main-context-listener.h"
#include "canopy-player.h"
#include "canopy-log-event.h"
#include "canopy-log-format.h"
#include "canopy-log-reader.h"
#include "canopy-log-writer.h"
#include "canopy-rotating-writer.h"
#include "canopy-log-summary.h"
#include "canopy-log-document.h"
#include "canopy-log-converter.h"
#include "canopy-capture-store.h"
#include "canopy-id-row.h"
#include "canopy-id-table.h"

/* drivers */
#include "canopy-virtual-bus.h"
#include "canopy-remote-bus.h"
#include "canopy-remote-client.h"
#include "canopy-remote-server.h"
#include "canopy-remote-enums.h"
#include "canopy-ixxat-bus.h"
#include "canopy-kvaser-bus.h"
#include "canopy-neovi-bus.h"
#include "canopy-nican-bus.h"
#include "canopy-pcan-bus.h"
#include "canopy-serial-bus.h"
#include "canopy-usb2can-bus.h"
#include "canopy-slcan-bus.h"
#include "canopy-socketcand-bus.h"
#if defined (__linux__)
# include "canopy-socketcan-bus.h"
# include "canopy-socketcan-enums.h"
#endif

/* formats */
#include "canopy-printer.h"
#include "canopy-blf-reader.h"
#include "canopy-blf-writer.h"
#include "canopy-asc-reader.h"
#include "canopy-asc-writer.h"
#include "canopy-candump-reader.h"
#include "canopy-candump-writer.h"
#include "canopy-csv-reader.h"
#include "canopy-csv-writer.h"
#include "canopy-sqlite-reader.h"
#include "canopy-sqlite-writer.h"
#include "canopy-trc-reader.h"

/* signal databases */
#include "canopy-signal-def.h"
#include "canopy-signal-value.h"
#include "canopy-message-def.h"
#include "canopy-database.h"
#include "canopy-checksum.h"
#include "canopy-signal-task.h"

#undef CANOPY_INSIDE
