# my_sensors.py: the user's own module (not in any bundle).
from adafruit_bme280 import basic as adafruit_bme280


def open_bme280(i2c):
    return adafruit_bme280.Adafruit_BME280_I2C(i2c, address=0x77)


def summary(sensor):
    return "%.1f C %.0f%%" % (sensor.temperature, sensor.relative_humidity)
