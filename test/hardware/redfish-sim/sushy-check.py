"""Drives the Redfish simulator with OpenStack's sushy, an independent Redfish client.

Usage: REDFISH_PASSWORD=... /usr/bin/python3 sushy-check.py URL CA_FILE USER {session|basic} {full|read}

Prints one JSON object describing what sushy saw; exits 1 with a traceback on any failure.
The password comes from the environment so it never shows in a process listing.
"""

import json
import os
import sys
import time

import sushy
from sushy import auth as sushy_auth


def wait_for(resource, predicate, timeout=10.0):
    """Refreshes resource until predicate(resource) holds; returns how many GETs it took."""
    deadline = time.monotonic() + timeout
    polls = 0
    while True:
        resource.refresh()
        polls += 1
        if predicate(resource):
            return polls
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached within %ss" % timeout)
        time.sleep(0.02)


def boot_of(system):
    return {
        "target": system.boot.target.value if system.boot.target else None,
        "enabled": system.boot.enabled.value if system.boot.enabled else None,
        "mode": system.boot.mode.value if system.boot.mode else None,
    }


def media_of(vm):
    return {"image": vm.image, "inserted": vm.inserted, "writeProtected": vm.write_protected}


def read_only(root, out):
    out["redfishVersion"] = root.redfish_version
    members = root.get_system_collection().get_members()
    out["systemPaths"] = [m.path for m in members]
    system = root.get_system()
    out["systemIdentity"] = system.identity
    out["power"] = system.power_state.value
    out["allowedResets"] = sorted(v.value for v in system.get_allowed_reset_system_values())
    out["managers"] = [m.identity for m in root.get_manager_collection().get_members()]
    out["chassis"] = [c.identity for c in root.get_chassis_collection().get_members()]
    return system


def full(root, out):
    system = read_only(root, out)

    system.reset_system(sushy.ResetType.ON)
    out["pollsUntilOn"] = wait_for(system, lambda s: s.power_state == sushy.PowerState.ON)
    out["powerAfterOn"] = system.power_state.value

    system.set_system_boot_options(
        target=sushy.BootSource.PXE,
        enabled=sushy.BootSourceOverrideEnabled.ONCE,
        mode=sushy.BootSourceOverrideMode.UEFI,
    )
    system.refresh()
    out["bootAfterPatch"] = boot_of(system)

    system.reset_system(sushy.ResetType.POWER_CYCLE)
    system.refresh()
    out["powerDuringCycle"] = system.power_state.value
    wait_for(system, lambda s: s.power_state == sushy.PowerState.ON)
    out["bootAfterCycle"] = boot_of(system)

    manager = root.get_manager()
    vm = manager.virtual_media.get_members()[0]
    out["virtualMediaId"] = vm.identity
    vm.insert_media("http://192.0.2.10/images/install.iso")
    vm.refresh()
    out["mediaAfterInsert"] = media_of(vm)
    vm.eject_media()
    vm.refresh()
    out["mediaAfterEject"] = media_of(vm)

    storage = system.storage.get_members()[0]
    out["storageId"] = storage.identity
    out["drives"] = [d.identity for d in storage.drives]
    out["raidTypes"] = [t.value for t in storage.storage_controllers[0].raid_types]
    volumes = storage.volumes
    # get_members() caches its list and refresh() never clears an empty one, so membership
    # is read from members_identities, which every refresh re-parses.
    out["volumesBefore"] = list(volumes.members_identities)
    created = volumes.create(
        {
            "Name": "os",
            "RAIDType": "RAID1",
            "Links": {"Drives": [{"@odata.id": p} for p in storage.drives_identities[:2]]},
        }
    )
    out["created"] = {
        "identity": created.identity,
        "name": created.name,
        "raidType": created.raid_type.value,
        "capacityBytes": created.capacity_bytes,
    }
    volumes.refresh()
    out["volumesAfterCreate"] = list(volumes.members_identities)
    created.delete()
    volumes.refresh()
    out["volumesAfterDelete"] = list(volumes.members_identities)


def main():
    url, ca_file, user, mode, scenario = sys.argv[1:6]
    password = os.environ["REDFISH_PASSWORD"]
    if mode == "session":
        auth = sushy_auth.SessionAuth(username=user, password=password)
    else:
        auth = sushy_auth.BasicAuth(username=user, password=password)
    out = {"sushyAuth": type(auth).__name__}
    # Leaving the with-block closes the auth: a session is DELETEd, as a well-behaved client does.
    with auth:
        root = sushy.Sushy(url, auth=auth, verify=ca_file)
        if mode == "session":
            out["sessionUri"] = auth.get_session_resource_id()
        if scenario == "full":
            full(root, out)
        else:
            read_only(root, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
