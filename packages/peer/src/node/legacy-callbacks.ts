/**
 * The legacy callback forms of `createOffer`, `createAnswer`, `setLocalDescription`,
 * `setRemoteDescription` and `addIceCandidate` (webrtc-pc §10.1): the promise method runs, its
 * result goes to `successCallback`, its rejection to `failureCallback`, and the returned promise
 * resolves with undefined either way.
 */

/** W3C `RTCSessionDescriptionCallback`. */
export type RTCSessionDescriptionCallback<D> = (description: D) => void;
/** W3C `RTCPeerConnectionErrorCallback`. */
export type RTCPeerConnectionErrorCallback = (error: DOMException) => void;

/** webrtc-pc §10.1: settles `operation` through the callbacks. */
export function viaCallbacks<T>(
  operation: Promise<T>,
  successCallback: (value: T) => void,
  failureCallback: RTCPeerConnectionErrorCallback,
): Promise<undefined> {
  return operation.then(
    (value) => {
      successCallback(value);
      return undefined;
    },
    (error: unknown) => {
      failureCallback(error as DOMException);
      return undefined;
    },
  );
}
