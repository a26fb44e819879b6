package io.scalemanager.instanceapi.provider.libvirt;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach libvirt and map instances to domains.
 *
 * @param uri     libvirt connection URI: {@code qemu:///system}, {@code qemu+ssh://host/system}, {@code test:///default}
 * @param domain  the domain name or UUID of an instance; {@code {instance}} stands for the instance id
 * @param disk    the disk (target like {@code vda}, or its source path) that storage resizes grow; none: storage
 *                cannot be changed and reads as 0
 * @param virsh   the virsh executable
 * @param timeout longest wait for one virsh command
 */
public record LibvirtSettings(String uri, String domain, Optional<String> disk, String virsh, Duration timeout) {
    public LibvirtSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(virsh, "virsh");
        Objects.requireNonNull(timeout, "timeout");
    }
}
