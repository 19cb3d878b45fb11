package dev.karuku.engine.estimate;

/// One part of the memory bill split between host RAM (`cpu`) and the GPU (`gpu`), in bytes.
public record DeviceBytes(long cpu, long gpu) {

    public static final DeviceBytes ZERO = new DeviceBytes(0, 0);

    public long total() {
        return cpu + gpu;
    }

    public DeviceBytes plus(DeviceBytes o) {
        return new DeviceBytes(cpu + o.cpu, gpu + o.gpu);
    }
}
