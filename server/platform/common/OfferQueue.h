#pragma once
// The slots the core has offered for new connections, oldest first (every
// backend): a new connection goes to front(); at shutdown every slot still
// queued completes as Accept/Cancelled. push() is false when the core offered
// more slots than exist.
#include "conn/Proactor.h"
#include "platform/common/FifoRing.h"

namespace tpserve::platform {

using OfferQueue = FifoRing<conn::ConnId>;

}  // namespace tpserve::platform
