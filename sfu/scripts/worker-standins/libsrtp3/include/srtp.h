// Parley's libsrtp-3 → libsrtp-2.5 compatibility header for the mediasoup worker.
//
// mediasoup links its own libsrtp 3.0-beta fork; Debian ships libsrtp 2.5. The worker calls a dozen libsrtp-3
// functions whose semantics libsrtp 2 has under other names or shapes. This header (the worker includes
// <srtp.h>) includes Debian's <srtp2/srtp.h> and adds those calls as C++ overloads, so no worker source
// changes. Written for the calls mediasoup 3.27 makes; a release that calls more fails to compile, loudly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

// In libsrtp 3 `srtp_policy_t` is an opaque pointer; in 2 it is the public struct. Include v2 with its struct
// renamed, then give the v3 name to a pointer to it (v2's srtp_create() takes exactly such a pointer).
#define srtp_policy_t parley_srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

using srtp_policy_t = parley_srtp2_policy_t*;

// Error codes libsrtp 3 added after v2's last one (srtp_err_status_pkt_idx_adv = 27).
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

// RTCP adds a 4-byte index (E flag + SRTCP index) after the tag, which v2 documents as "+4".
constexpr std::size_t parley_srtcp_index_len = 4;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	// calloc: every field v2 reads but v3 has no setter for (keys/MKI, header extensions, next) starts empty.
	auto* created = static_cast<parley_srtp2_policy_t*>(std::calloc(1, sizeof(parley_srtp2_policy_t)));
	if (created == nullptr)
		return srtp_err_status_alloc_fail;
	*policy = created;
	return srtp_err_status_ok;
}

inline std::size_t parley_srtp_key_len(const parley_srtp2_policy_t* policy)
{
	return static_cast<std::size_t>(policy->rtp.cipher_key_len);
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy == nullptr)
		return;
	if (policy->key != nullptr)
	{
		// Wipe the master key before the memory goes back to the allocator.
		volatile unsigned char* key = policy->key;
		for (std::size_t i = 0; i < parley_srtp_key_len(policy); ++i)
			key[i] = 0;
		std::free(policy->key);
	}
	std::free(policy);
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->ssrc = ssrc;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, std::size_t windowSize)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->window_size = static_cast<unsigned long>(windowSize);
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	const srtp_err_status_t rtp = srtp_crypto_policy_set_from_profile_for_rtp(&policy->rtp, profile);
	if (rtp != srtp_err_status_ok)
		return rtp;
	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->rtcp, profile);
}

// v3 takes key and salt apart (and an optional MKI); v2 reads one buffer, key then salt, sized by the
// profile. MKI is not supported here, and the worker never passes one.
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  std::size_t keyLen,
  const uint8_t* salt,
  std::size_t saltLen,
  const uint8_t* mki,
  std::size_t mkiLen)
{
	if (policy == nullptr || key == nullptr || salt == nullptr || mki != nullptr || mkiLen != 0)
		return srtp_err_status_bad_param;
	if (policy->key != nullptr)
		return srtp_err_status_bad_param; // one key per policy without MKI
	if (keyLen + saltLen != parley_srtp_key_len(policy))
		return srtp_err_status_bad_param; // set the profile first; it fixes the lengths
	auto* buffer = static_cast<unsigned char*>(std::malloc(keyLen + saltLen));
	if (buffer == nullptr)
		return srtp_err_status_alloc_fail;
	std::memcpy(buffer, key, keyLen);
	std::memcpy(buffer + keyLen, salt, saltLen);
	policy->key = buffer;
	return srtp_err_status_ok;
}

// v3's protect/unprotect read from `in` and write to `out` (which may be the same buffer), with the room in
// `out` given in *outLen; v2 works in place on an int length and assumes room for the trailer.
using parley_srtp2_inplace_fn = srtp_err_status_t (*)(srtp_t, void*, int*);

inline srtp_err_status_t parley_srtp_copy_then(
  parley_srtp2_inplace_fn fn,
  srtp_t ctx,
  const uint8_t* in,
  std::size_t inLen,
  uint8_t* out,
  std::size_t* outLen,
  std::size_t growth)
{
	if (in == nullptr || out == nullptr || outLen == nullptr)
		return srtp_err_status_bad_param;
	if (inLen + growth > *outLen || inLen + growth > static_cast<std::size_t>(INT32_MAX))
		return srtp_err_status_buffer_small;
	if (out != in)
		std::memmove(out, in, inLen);
	int len = static_cast<int>(inLen);
	const srtp_err_status_t err = fn(ctx, out, &len);
	if (err != srtp_err_status_ok)
		return err;
	*outLen = static_cast<std::size_t>(len);
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, std::size_t rtpLen, uint8_t* srtp, std::size_t* srtpLen, std::size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return parley_srtp_copy_then(srtp_protect, ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, std::size_t srtpLen, uint8_t* rtp, std::size_t* rtpLen)
{
	return parley_srtp_copy_then(srtp_unprotect, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, std::size_t rtcpLen, uint8_t* srtcp, std::size_t* srtcpLen, std::size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return parley_srtp_copy_then(
	  srtp_protect_rtcp, ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + parley_srtcp_index_len);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, std::size_t srtcpLen, uint8_t* rtcp, std::size_t* rtcpLen)
{
	return parley_srtp_copy_then(srtp_unprotect_rtcp, ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
